import { createHmac } from "node:crypto";

/**
 * Keyed hashes for the redaction tombstone: HMAC-SHA256 under a key derived from the app secret, of the shop
 * and a canonical key ("email:maya@x.com"). Without the secret a stored hash cannot be tested against a guess,
 * and one person's hashes in two shops do not match. `all` also answers under the previous secret, so a
 * rotation does not forget who was redacted; new hashes are written under the current one.
 */
export interface KeyedHash {
  current(shop: string, key: string): string;
  all(shop: string, key: string): string[];
}

export function createKeyedHash(secrets: readonly string[]): KeyedHash {
  if (!secrets.length) throw new Error("a keyed hash needs a secret");
  const keys = secrets.map((secret) => createHmac("sha256", secret).update("shipwatch/redacted-customer/v1").digest());
  const hash = (key: Buffer, shop: string, value: string) => createHmac("sha256", key).update(`${shop}|${value}`).digest("hex");
  return {
    current: (shop, value) => hash(keys[0]!, shop, value),
    all: (shop, value) => keys.map((key) => hash(key, shop, value)),
  };
}
