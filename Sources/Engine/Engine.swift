// Placeholder until the Engine stage lands.
