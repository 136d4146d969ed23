/**
 * The largest sum of money the service accepts anywhere, in whole pence (£1 billion): far above
 * any People Zones budget, and far below where a JavaScript number stops counting pence exactly.
 */
export const MAX_PENCE = 100_000_000_000;

/** More people than live in Leicester, Leicestershire and Rutland many times over. */
export const MAX_BENEFICIARIES = 10_000_000;
