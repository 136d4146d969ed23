import { ConfigError } from '@pz/platform';

/**
 * What the open-data files need to know about the publisher. Read from the environment by this
 * module until it moves into AppConfig; validated the same way (every problem named at once).
 */
export interface TransparencyConfig {
  /** The 360Giving publisher prefix without its leading `360G-`, e.g. `opcc-llr`. */
  prefix: string;
  funder: { id: string; name: string };
}

export const TRANSPARENCY_CONFIG = Symbol('TRANSPARENCY_CONFIG');

export const DEFAULT_PREFIX = 'opcc-llr';
/**
 * Not yet confirmed against org-id.guide: operators should check it (or set GRANTS_360_FUNDER_ID)
 * before the file is submitted to 360Giving. See docs/design/open-data.md.
 */
export const DEFAULT_FUNDER_ID = 'GB-GOR-PC000135';
export const FUNDER_NAME = 'Office of the Police and Crime Commissioner for Leicester, Leicestershire and Rutland';

/** Prefixes go inside identifiers: letters, digits, `_` and `-` keep them safe in URLs and CSV. */
const PREFIX = /^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$/;
/** An org-id.guide list code and identifier (`GB-CHC-1164883`), or a 360Giving-prefixed one. */
export const ORG_ID = /^(?:[A-Z]{2}-[A-Z0-9]+-[^\s/\\]+|360G-[^\s/\\]+)$/;

export function loadTransparencyConfig(env: NodeJS.ProcessEnv = process.env): TransparencyConfig {
  const problems: string[] = [];
  const prefix = nonEmpty(env.GRANTS_360_PREFIX) ?? DEFAULT_PREFIX;
  if (/^360G-/i.test(prefix)) {
    problems.push(`GRANTS_360_PREFIX is the part after "360G-" (e.g. ${DEFAULT_PREFIX}), got "${prefix}"`);
  } else if (!PREFIX.test(prefix)) {
    problems.push(`GRANTS_360_PREFIX must be 1-60 letters, digits, "_" or "-" (e.g. ${DEFAULT_PREFIX}), got "${prefix}"`);
  }
  const funderId = nonEmpty(env.GRANTS_360_FUNDER_ID) ?? DEFAULT_FUNDER_ID;
  if (!ORG_ID.test(funderId)) {
    problems.push(`GRANTS_360_FUNDER_ID must be an org-id.guide identifier such as GB-GOR-PC000135, or 360G-..., got "${funderId}"`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { prefix, funder: { id: funderId, name: FUNDER_NAME } };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
