import { createHmac, generateKeyPairSync } from "node:crypto";
import { decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { hmacSignature, jwtSignature, webhookHeaders } from "./sign-webhook.js";

const body = JSON.stringify({ webhook_type: "invoice.created", object_type: "invoice", invoice: { a: "é" } });

describe("webhook signatures", () => {
  it("hmac: Base64 of HMAC-SHA256 over the body's bytes", () => {
    const expected = createHmac("sha256", "secret").update(Buffer.from(body, "utf8")).digest("base64");
    expect(hmacSignature(body, "secret")).toBe(expected);
    expect(hmacSignature(`${body} `, "secret")).not.toBe(expected);
  });

  it("jwt: RS256 with the body as `data` and the issuer, verifiable with the public key", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    const token = await jwtSignature(body, privateKey, "https://billing.test/api/v1");
    expect(decodeProtectedHeader(token)).toEqual({ alg: "RS256" });
    const { payload } = await jwtVerify(token, await importSPKI(publicKey, "RS256"), {
      issuer: "https://billing.test/api/v1",
    });
    expect(payload).toEqual({ data: body, iss: "https://billing.test/api/v1" });
  });

  it("names the algorithm and the unique key", () => {
    expect(webhookHeaders("sig", "hmac", "k1")).toEqual({
      "Content-Type": "application/json",
      "X-Lago-Signature": "sig",
      "X-Lago-Signature-Algorithm": "hmac",
      "X-Lago-Unique-Key": "k1",
    });
  });
});
