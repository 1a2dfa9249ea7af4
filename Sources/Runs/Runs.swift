// Placeholder until the Runs stage lands.
