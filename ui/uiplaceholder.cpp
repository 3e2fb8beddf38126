// Placeholder until the first ui/ unit lands.
