// Placeholder until the Diagnostics stage lands.
