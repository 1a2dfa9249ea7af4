// Placeholder until the Dataset stage lands.
