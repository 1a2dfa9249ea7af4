// Placeholder until the Generator stage lands.
