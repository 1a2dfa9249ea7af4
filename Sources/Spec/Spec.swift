// Placeholder until the Spec stage lands.
