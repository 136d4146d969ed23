import { ConfigError } from '@pz/platform';
import { DEFAULT_FUNDER_ID, DEFAULT_PREFIX, FUNDER_NAME, loadTransparencyConfig } from './transparency.config';

describe('loadTransparencyConfig', () => {
  it('defaults to the opcc-llr prefix and the OPCC as funder', () => {
    expect(loadTransparencyConfig({})).toEqual({ prefix: DEFAULT_PREFIX, funder: { id: DEFAULT_FUNDER_ID, name: FUNDER_NAME } });
    expect(DEFAULT_PREFIX).toBe('opcc-llr');
  });

  it('takes GRANTS_360_PREFIX and GRANTS_360_FUNDER_ID from the environment', () => {
    expect(loadTransparencyConfig({ GRANTS_360_PREFIX: ' llr-pz ', GRANTS_360_FUNDER_ID: 'GB-CHC-1164883' })).toMatchObject({
      prefix: 'llr-pz',
      funder: { id: 'GB-CHC-1164883' },
    });
    expect(loadTransparencyConfig({ GRANTS_360_FUNDER_ID: '360G-opcc-llr-funder' }).funder.id).toBe('360G-opcc-llr-funder');
  });

  it('names every bad value at once', () => {
    let error: unknown;
    try {
      loadTransparencyConfig({ GRANTS_360_PREFIX: 'opcc llr', GRANTS_360_FUNDER_ID: 'OPCC Leicestershire' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^GRANTS_360_PREFIX must be/),
      expect.stringMatching(/^GRANTS_360_FUNDER_ID must be/),
    ]);
  });

  it('explains a prefix given with its 360G- part, which identifiers add themselves', () => {
    expect(() => loadTransparencyConfig({ GRANTS_360_PREFIX: '360G-opcc-llr' })).toThrow(/the part after "360G-"/);
  });
});
