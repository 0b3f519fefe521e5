import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Encrypts channel credentials at rest: AES-256-GCM with a random 12-byte IV per value.
 * Sealed form: `v1:<iv b64>:<tag b64>:<ciphertext b64>`, the plaintext being the value's JSON.
 * The version prefix is authenticated too, so a value cannot be replayed under another format.
 */
export interface SecretBox {
  seal(value: unknown): string;
  /** throws SecretBoxError for anything not sealed by this key (tampered, truncated, other key) */
  open(sealed: string): unknown;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD = Buffer.from(`shipwatch:secret-box:${VERSION}`);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function createSecretBox(key: Buffer): SecretBox {
  if (!Buffer.isBuffer(key) || key.length !== 32) {
    throw new SecretBoxError(`the encryption key must be 32 bytes (got ${Buffer.isBuffer(key) ? key.length : typeof key})`);
  }
  // a private copy: a caller reusing its buffer cannot change the key afterwards
  const secretKey = Buffer.from(key);

  return {
    seal(value) {
      const json = JSON.stringify(value === undefined ? null : value);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", secretKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(AAD);
      const ciphertext = Buffer.concat([cipher.update(json, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString("base64"), tag.toString("base64"), ciphertext.toString("base64")].join(":");
    },

    open(sealed) {
      if (typeof sealed !== "string") throw new SecretBoxError("cannot open the secret: not a sealed string");
      const parts = sealed.split(":");
      if (parts.length !== 4 || parts[0] !== VERSION) {
        throw new SecretBoxError(`cannot open the secret: expected the format ${VERSION}:<iv>:<tag>:<ciphertext>`);
      }
      const [, ivText, tagText, dataText] = parts as [string, string, string, string];
      if (![ivText, tagText, dataText].every((p) => BASE64.test(p))) {
        throw new SecretBoxError("cannot open the secret: a part is not base64");
      }
      const iv = Buffer.from(ivText, "base64");
      const tag = Buffer.from(tagText, "base64");
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new SecretBoxError("cannot open the secret: the IV or authentication tag has the wrong length");
      }
      let json: string;
      try {
        const decipher = createDecipheriv("aes-256-gcm", secretKey, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(AAD);
        decipher.setAuthTag(tag);
        json = Buffer.concat([decipher.update(Buffer.from(dataText, "base64")), decipher.final()]).toString("utf8");
      } catch {
        throw new SecretBoxError(
          "cannot open the secret: authentication failed (it was altered, or sealed with another key — was SHIPWATCH_ENCRYPTION_KEY changed?)",
        );
      }
      try {
        return JSON.parse(json) as unknown;
      } catch {
        throw new SecretBoxError("cannot open the secret: the decrypted value is not JSON");
      }
    },
  };
}
