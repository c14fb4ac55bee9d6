package dqsuite

// extraPermille is the injected slowdown of tests/bench/decision-quality:
// Checksum hashes this many thousandths of its input a second time. The
// script's slow commits set it to 50 (5%) and 100 (10%); the base leaves it
// at 0, where the compiler removes the extra pass entirely.
const extraPermille = 0
