/** TLS material for tests and `pnpm cluster`: made with `openssl`, in a directory of the caller's. */
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './daemon.js';

export interface Certificate {
  certificate: string;
  key: string;
  /** The PEM itself: clients trust it as their CA. */
  pem: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid for a day. */
export async function selfSignedCertificate(dir: string): Promise<Certificate> {
  const certificate = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    certificate,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  chmodSync(key, 0o600);
  return { certificate, key, pem: readFileSync(certificate, 'utf8') };
}
