// Placeholder until the first net/ unit lands.
