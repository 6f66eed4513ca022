/**
 * A private nginx in front of a test cluster, running the DOCUMENTED site configuration
 * (deploy/nginx/drawbridge.conf) with only the lines an operator adapts changed. Its own master
 * process (`nginx -p <dir> -c <dir>/nginx.conf`, `daemon off`), every path (pid, logs, temp files)
 * in its temp dir, listening on free ports of 127.0.0.1, stopped by its own PID. Needs Debian's
 * `nginx` package (NGINX_BIN overrides) and `openssl` for the self-signed certificate.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Daemon, freePort, run, startDaemon, waitUntilReady } from './daemon.js';
import { repoRoot } from './process.js';
import { selfSignedCertificate } from './tls.js';

export const DOCUMENTED_CONFIG = path.join(repoRoot, 'deploy/nginx/drawbridge.conf');

export interface SiteOptions {
  /** `host:port` of every node, in order. */
  nodes: string[];
  /** Address nginx listens on. */
  host: string;
  httpsPort: number;
  /** The documented port-80 server (a redirect to https). */
  httpPort: number;
  /** Optional plain-http listener on the main server (`pnpm cluster`'s convenience). */
  plainHttpPort?: number;
  serverName: string;
  certificate: string;
  certificateKey: string;
}

/** A directive line the operator adapts: `name args; # adapt...` (comment lines are kept). */
const ADAPT = /;\s*# adapt/;
/** `directive arg...;` and the rest of the line (its comment). */
const DIRECTIVE = /^(\s*)([a-z_]+)\s+([^;]*);(.*)$/;

/**
 * The documented site with every `# adapt` line changed as an operator would, and nothing else.
 * A marked line this function does not know fails loudly: the documentation grew a knob the
 * tests would silently skip.
 */
export function renderSite(template: string, site: SiteOptions): string {
  const out: string[] = [];
  let upstreamDone = false;
  for (const line of template.split('\n')) {
    if (!ADAPT.test(line)) {
      out.push(line);
      continue;
    }
    const match = DIRECTIVE.exec(line);
    if (!match) throw new Error(`cannot adapt documented line: ${line}`);
    const [, indent, name, args] = match as unknown as [string, string, string, string];
    const params = args.trim().split(/\s+/).slice(1);
    switch (name) {
      case 'server':
        // One documented line per example node: replaced by one line per real node, with the
        // documented parameters (max_fails, fail_timeout...).
        if (!upstreamDone) {
          for (const node of site.nodes)
            out.push(`${indent}${[`server ${node}`, ...params].join(' ')};`);
          upstreamDone = true;
        }
        break;
      case 'listen': {
        const tls = params.includes('ssl');
        const port = tls ? site.httpsPort : site.httpPort;
        out.push(`${indent}${['listen', `${site.host}:${port}`, ...params].join(' ')};`);
        if (tls && site.plainHttpPort !== undefined) {
          out.push(`${indent}listen ${site.host}:${site.plainHttpPort};`);
        }
        break;
      }
      case 'server_name':
        out.push(`${indent}server_name ${site.serverName};`);
        break;
      case 'ssl_certificate':
        out.push(`${indent}ssl_certificate ${site.certificate};`);
        break;
      case 'ssl_certificate_key':
        out.push(`${indent}ssl_certificate_key ${site.certificateKey};`);
        break;
      case 'return': {
        const [code, target] = args.trim().split(/\s+/);
        if (target !== 'https://$host$request_uri') throw new Error(`unexpected redirect: ${line}`);
        const port = site.httpsPort === 443 ? '' : `:${site.httpsPort}`;
        out.push(`${indent}return ${code} https://$host${port}$request_uri;`);
        break;
      }
      default:
        throw new Error(`the harness does not know how to adapt: ${line}`);
    }
  }
  if (!upstreamDone) throw new Error('no upstream server lines in the documented config');
  return out.join('\n');
}

/** One access-log entry (the test's own log format, written by the wrapper). */
export interface AccessEntry {
  remote: string;
  /** Every upstream tried, in order (`"a, b"` in nginx's notation); empty if none. */
  upstreams: string[];
  status: number;
  method: string;
  uri: string;
  sid: string;
  transport: string;
}

const LOG_FORMAT =
  '\'{"remote":"$remote_addr","upstream":"$upstream_addr","status":"$status",' +
  '"method":"$request_method","uri":"$uri","sid":"$arg_sid","transport":"$arg_transport"}\'';

/** nginx's workers drop root; they need a user and group that exist here. */
function workerUser(): string {
  if (process.getuid?.() !== 0) return '';
  const gid = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('nobody:'))
    ?.split(':')[3];
  const group = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .map((entry) => entry.split(':'))
    .find((fields) => fields[2] === gid)?.[0];
  if (!group) throw new Error('running nginx as root needs a user "nobody" with a group');
  return `user nobody ${group};`;
}

/** The main configuration around the site: the part /etc/nginx/nginx.conf plays for operators. */
function mainConfig(dir: string, sitePath: string): string {
  const at = (name: string) => path.join(dir, name);
  return `${workerUser()}
daemon off;
worker_processes 1;
pid ${at('nginx.pid')};
error_log stderr warn;
events { worker_connections 1024; }
http {
    client_body_temp_path ${at('client_body')};
    proxy_temp_path ${at('proxy')};
    fastcgi_temp_path ${at('fastcgi')};
    uwsgi_temp_path ${at('uwsgi')};
    scgi_temp_path ${at('scgi')};
    log_format drawbridge_test escape=json ${LOG_FORMAT};
    access_log ${at('access.log')} drawbridge_test;
    include ${sitePath};
}
`;
}

export interface Nginx {
  pid: number;
  dir: string;
  httpsPort: number;
  httpPort: number;
  plainHttpPort: number | undefined;
  /** `https://127.0.0.1:<port>` */
  httpsUrl: string;
  /** The CA clients trust (the self-signed certificate). */
  ca: string;
  /** The site configuration nginx runs (the documented file, adapted). */
  site: string;
  daemon: Daemon;
  /** Every access-log entry so far. */
  accessLog(): AccessEntry[];
  /** Fast shutdown (SIGTERM to the master), then removes the temp dir. Safe to call twice. */
  destroy(): Promise<void>;
}

export interface StartNginxOptions {
  nodes: string[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: free ports. */
  httpsPort?: number;
  httpPort?: number;
  plainHttpPort?: number;
  /** Default `127.0.0.1`. */
  serverName?: string;
  /** Rewrites the adapted site before it is written (a test of what a line is for). */
  transformSite?: (site: string) => string;
}

export function nginxBinary(): string {
  if (process.env.NGINX_BIN) return process.env.NGINX_BIN;
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx']) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('nginx is not installed (apt-get install -y nginx)');
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startNginx(options: StartNginxOptions): Promise<Nginx> {
  const binary = nginxBinary();
  const host = options.host ?? '127.0.0.1';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drawbridge-nginx-'));
  // Workers run as nobody when the tests run as root: they must reach their temp paths.
  chmodSync(dir, 0o755);
  let daemon: Daemon | undefined;
  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    if (daemon?.running) {
      daemon.signal('SIGTERM', true);
      const timer = setTimeout(() => daemon?.signal('SIGKILL', true), 10_000);
      await daemon.exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const cert = await selfSignedCertificate(dir);
    const httpsPort = options.httpsPort ?? (await freePort());
    const httpPort = options.httpPort ?? (await freePort());
    const rendered = renderSite(readFileSync(DOCUMENTED_CONFIG, 'utf8'), {
      nodes: options.nodes,
      host,
      httpsPort,
      httpPort,
      ...(options.plainHttpPort !== undefined ? { plainHttpPort: options.plainHttpPort } : {}),
      serverName: options.serverName ?? '127.0.0.1',
      certificate: cert.certificate,
      certificateKey: cert.key,
    });
    const site = options.transformSite ? options.transformSite(rendered) : rendered;
    const sitePath = path.join(dir, 'drawbridge.conf');
    const confPath = path.join(dir, 'nginx.conf');
    writeFileSync(sitePath, site);
    writeFileSync(confPath, mainConfig(dir, sitePath));
    // -t first: a bad configuration is reported as such, not as "never became ready".
    await run(binary, ['-t', '-q', '-e', 'stderr', '-p', dir, '-c', confPath]);
    daemon = startDaemon(binary, ['-e', 'stderr', '-p', dir, '-c', confPath]);
    const ports = [httpsPort, httpPort, ...(options.plainHttpPort ? [options.plainHttpPort] : [])];
    await waitUntilReady(daemon, `nginx on ports ${ports.join(', ')}`, async () => {
      const open = await Promise.all(ports.map((port) => accepts(host, port)));
      return open.every(Boolean);
    });
    const accessPath = path.join(dir, 'access.log');
    return {
      pid: daemon.pid,
      dir,
      httpsPort,
      httpPort,
      plainHttpPort: options.plainHttpPort,
      httpsUrl: `https://${host}:${httpsPort}`,
      ca: cert.pem,
      site,
      daemon,
      accessLog() {
        if (!existsSync(accessPath)) return [];
        return readFileSync(accessPath, 'utf8')
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => {
            const raw = JSON.parse(line) as Record<string, string>;
            return {
              remote: raw.remote ?? '',
              upstreams: (raw.upstream ?? '').split(/,\s*/).filter((u) => u && u !== '-'),
              status: Number(raw.status),
              method: raw.method ?? '',
              uri: raw.uri ?? '',
              sid: raw.sid ?? '',
              transport: raw.transport ?? '',
            };
          });
      },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
