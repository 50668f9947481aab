// Attachment references in case reports. The gateway answers UploadAttachment with a reference
// "attachment:<sha256>:<filename>" (gateway.proto) and serves the file at /attachments/<sha256>.
// Reports may also carry other references (file ids, URLs): those are shown as text.

export interface AttachmentRef {
  reference: string;
  filename: string;
  sha256?: string;
  href?: string;
}

const SHA256_RE = /^[0-9a-f]{64}$/;

export function parseAttachmentRef(reference: string): AttachmentRef {
  const prefix = 'attachment:';
  if (reference.startsWith(prefix)) {
    const rest = reference.slice(prefix.length);
    const colon = rest.indexOf(':');
    const sha = (colon < 0 ? rest : rest.slice(0, colon)).toLowerCase();
    if (SHA256_RE.test(sha)) {
      const filename = colon < 0 ? '' : rest.slice(colon + 1);
      return { reference, sha256: sha, filename: filename || sha.slice(0, 12), href: `/attachments/${sha}` };
    }
  }
  return { reference, filename: reference };
}

/** Reads a File into bytes for UploadAttachment's `content`. */
export async function fileBytes(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}
