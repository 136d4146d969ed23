import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { PersonalDataKeys } from './personal-data-keys';
import { ERASED, isSealed, Revealed, SealedValue } from './sealed-value';

const PERSON_ID = /^person-[0-9a-f]{32}$/;
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Sealing for a person whose key was erased: erasure is final for that pseudonym. */
export class PersonErasedError extends Error {
  override readonly name = 'PersonErasedError';
  constructor(readonly person: string) {
    super(`Personal data of ${person} has been erased; nothing more can be sealed for them`);
  }
}

/**
 * A sealed value whose key exists but which does not authenticate: altered ciphertext, IV, tag
 * or person. Raised rather than read as erased, so corruption is never mistaken for an erasure.
 */
export class SealedValueCorruptError extends Error {
  override readonly name = 'SealedValueCorruptError';
  constructor(readonly person: string) {
    super(`A sealed value of ${person} failed authentication (altered or corrupt)`);
  }
}

export interface PersonalDataVaultOptions {
  /** HMAC key for pseudonymous person ids; changing it changes every person id. */
  personIdSecret: string | Buffer;
  /** Clock for created_at / erased_at; tests pass a fixed one. */
  now?: () => Date;
}

/**
 * Crypto-shredding vault: personal data goes into events only sealed (AES-256-GCM) under a
 * per-person key kept here, so deleting the key erases the person from every event, read model
 * and backup of the log at once. No plaintext is ever logged or kept by this class.
 */
export class PersonalDataVault {
  private readonly now: () => Date;

  constructor(
    private readonly keys: PersonalDataKeys,
    private readonly options: PersonalDataVaultOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The address's first pseudonym: the same address (whatever its case or surrounding spaces)
   * always gives the same id, so one erasure reaches every feature that met the address. Keyed,
   * so an id cannot be confirmed by hashing a guessed address. For naming things only (dedupe
   * keys); to seal, ask `personIdFor`.
   */
  pseudonymOf(email: string, generation = 1): string {
    const normalised = email.normalize('NFC').trim().toLowerCase();
    // Generation 1 is the address alone, as every pseudonym made before erasures had successors.
    const input = generation === 1 ? normalised : `${normalised}\n${generation}`;
    const mac = createHmac('sha256', this.options.personIdSecret).update(input, 'utf8').digest('hex');
    return `person-${mac.slice(0, 32)}`;
  }

  /**
   * The person an address stands for now. Erasure is final for a pseudonym: an erased address
   * used again is a new person with a pseudonym of its own (the next in the address's line), so
   * nothing of the erased one is reopened, and nothing tells the caller that anyone was erased.
   */
  async personIdFor(email: string): Promise<string> {
    for (let generation = 1; ; generation++) {
      const person = this.pseudonymOf(email, generation);
      const row = await this.keys.get(person);
      if (!row || row.key !== null) return person;
    }
  }

  /** Seals `value` (by default the address itself) for the person the address stands for now. */
  async sealFor(email: string, value: string = email.trim()): Promise<SealedValue> {
    return this.seal(await this.personIdFor(email), value);
  }

  /** Encrypts under the person's key (created on first use) with a fresh IV every time. */
  async seal(person: string, value: string): Promise<SealedValue> {
    assertPersonId(person);
    const key = await this.keys.getOrCreate(person, randomBytes(32), this.now().toISOString());
    if (key === null) throw new PersonErasedError(person);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(person));
    const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return {
      $pii: 1,
      person,
      iv: iv.toString('base64'),
      ct: ct.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  /**
   * The plaintext, or null when the person's key was erased (or never existed here, e.g. a key
   * table restored from a backup older than the value). Throws SealedValueCorruptError when
   * the key exists but the value does not authenticate.
   */
  async open(sealed: SealedValue): Promise<string | null> {
    if (!isSealed(sealed)) throw new TypeError('Not a sealed value');
    const row = await this.keys.get(sealed.person);
    if (!row || row.key === null) return null;
    const iv = Buffer.from(sealed.iv, 'base64');
    const tag = Buffer.from(sealed.tag, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealedValueCorruptError(sealed.person);
    try {
      const decipher = createDecipheriv(ALGORITHM, row.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(sealed.person));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SealedValueCorruptError(sealed.person);
    }
  }

  /** For display: the plaintext, or ERASED ("[erased]"). */
  async reveal(sealed: SealedValue): Promise<string> {
    return (await this.open(sealed)) ?? ERASED;
  }

  /** A copy of a read-model document with every sealed value (at any depth) revealed. */
  async revealDeep<T>(doc: T): Promise<Revealed<T>> {
    const walk = async (x: unknown): Promise<unknown> => {
      if (isSealed(x)) return this.reveal(x);
      if (Array.isArray(x)) return Promise.all(x.map(walk));
      if (typeof x === 'object' && x !== null) {
        return Object.fromEntries(await Promise.all(Object.entries(x).map(async ([k, v]) => [k, await walk(v)])));
      }
      return x;
    };
    return (await walk(doc)) as Revealed<T>;
  }

  /**
   * Destroys the person's key: every value sealed for them, in every event and document, now
   * reads as erased. Idempotent; true only when this call destroyed a key.
   */
  async erase(person: string): Promise<boolean> {
    assertPersonId(person);
    return this.keys.erase(person, this.now().toISOString());
  }

  /** Whether any personal data was ever sealed for this person here (or they were erased). */
  async isKnown(person: string): Promise<boolean> {
    return (await this.keys.get(person)) !== undefined;
  }

  async isErased(person: string): Promise<boolean> {
    const row = await this.keys.get(person);
    return row !== undefined && row.key === null;
  }
}

/** Binds a ciphertext to its person: moving it under another person's id makes it fail. */
function associatedData(person: string): Buffer {
  return Buffer.from(`pz-pii:1:${person}`, 'utf8');
}

function assertPersonId(person: string): void {
  // Guards against sealing under an address by mistake, which would put plaintext in `person`.
  if (!PERSON_ID.test(person)) throw new TypeError('Not a person id (expected person-<32 hex>)');
}
