// Placeholder until the Advisor stage lands.
