import { createHmac } from "node:crypto";
import { importPKCS8, SignJWT } from "jose";

export type SignatureAlgo = "jwt" | "hmac";

/** `hmac`: Base64 of HMAC-SHA256 of the body as sent, keyed by the organization's hmac key. */
export function hmacSignature(body: string, hmacKey: string): string {
  return createHmac("sha256", hmacKey).update(body).digest("base64");
}

const importedKeys = new Map<string, ReturnType<typeof importPKCS8>>();

/**
 * `jwt`: an RS256 JWT with Lago's claims, `data` (the body as sent) and `iss` (the API's URL, as
 * Lago's `LAGO_API_URL`), and no other; the receiver verifies it with `GET /webhooks/public_key`
 * and compares `data` with the body.
 */
export async function jwtSignature(body: string, privateKeyPem: string, issuer: string): Promise<string> {
  let key = importedKeys.get(privateKeyPem);
  if (!key) {
    key = importPKCS8(privateKeyPem, "RS256");
    importedKeys.set(privateKeyPem, key);
  }
  return new SignJWT({ data: body })
    .setProtectedHeader({ alg: "RS256" })
    .setIssuer(issuer)
    .sign(await key);
}

/** Lago's webhook headers for a body signed as `algo`. */
export function webhookHeaders(
  signature: string,
  algo: SignatureAlgo,
  uniqueKey: string,
): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Lago-Signature": signature,
    "X-Lago-Signature-Algorithm": algo,
    "X-Lago-Unique-Key": uniqueKey,
  };
}
