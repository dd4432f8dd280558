import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { s3Client } from "#shared/platform/aws-clients.js";
import { documentsBucket, resourceName } from "#shared/platform/resources.js";

/**
 * How long a presigned `file_url` lasts. It is signed by the function that shows the invoice, with
 * its role's temporary credentials: the URL stops working when they expire, whichever comes
 * first, so a longer expiry would promise what it cannot keep. Any read of the invoice
 * (`GET /invoices/{id}`, a list, a download) signs a fresh one.
 */
export const FILE_URL_SECONDS = 3600;

/** Where an invoice's PDF is stored: one key per invoice, so a second render overwrites the first. */
export const invoiceFileKey = (organizationId: string, invoiceId: string) =>
  `invoices/${organizationId}/${invoiceId}.pdf`;

/**
 * Invoicing's documents in the documents bucket. The client and the bucket's name are resolved at
 * each call, so the environment is read when a handler runs (and tests may restart it).
 */
export class DocumentFiles {
  constructor(
    private readonly client?: S3Client,
    private readonly bucket?: string,
  ) {}

  private target() {
    return { client: this.client ?? s3Client(), bucket: this.bucket ?? resourceName(documentsBucket) };
  }

  /** Stores a PDF under `key` (replacing what a previous render stored there). */
  async put(key: string, bytes: Uint8Array, fileName: string): Promise<void> {
    const { client, bucket } = this.target();
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: bytes,
        ContentType: "application/pdf",
        ContentDisposition: `inline; filename="${fileName.replace(/[^\w.-]/g, "_")}"`,
      }),
    );
  }

  /** A URL anyone may GET the file at for `FILE_URL_SECONDS` (signed locally: no network call). */
  presign(key: string): Promise<string> {
    const { client, bucket } = this.target();
    return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: FILE_URL_SECONDS,
    });
  }
}

let shared: DocumentFiles | undefined;
/** The process's documents, for whoever shows invoices without being handed them. */
export function documentFiles(): DocumentFiles {
  shared ??= new DocumentFiles();
  return shared;
}
