/**
 * The admin API of a running server, for the command-line tools. Reads DRAWBRIDGE_URL (else
 * PUBLIC_URL, else http://localhost:3000) and ADMIN_TOKEN from the environment.
 */
import { readHttpError } from '@drawbridge/protocol';

export interface AdminClient {
  readonly baseUrl: string;
  /** The answer's JSON; throws with the server's error message when it refused. */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** A failure to report as it is (the server refused, it cannot be reached). */
export class CliError extends Error {}

/** Arguments the command does not take: reported with the usage. */
export class UsageError extends CliError {}

export function serverUrl(env: NodeJS.ProcessEnv): string {
  return (env.DRAWBRIDGE_URL || env.PUBLIC_URL || 'http://localhost:3000').replace(/\/+$/, '');
}

export function adminClient(env: NodeJS.ProcessEnv): AdminClient {
  const token = env.ADMIN_TOKEN;
  if (!token) throw new CliError("ADMIN_TOKEN is not set (the server's admin token)");
  const baseUrl = serverUrl(env);
  return {
    baseUrl,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (error) {
        throw new CliError(`cannot reach ${baseUrl}: ${(error as Error).message}`);
      }
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new CliError(`${method} ${path}: HTTP ${response.status}, not JSON`);
      }
      if (!response.ok) {
        const error = readHttpError(json);
        throw new CliError(
          `${method} ${path}: HTTP ${response.status} ${error ? `${error.code}: ${error.message}` : text}`,
        );
      }
      return json as T;
    },
  };
}

/** Runs a CLI's main; a failure is printed (with the usage for a usage error), exit code 1. */
export function runCli(name: string, usage: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof UsageError) console.error(`${name}: ${error.message}\n${usage}`);
    else if (error instanceof CliError) console.error(`${name}: ${error.message}`);
    else console.error(`${name}:`, error);
    process.exit(1);
  });
}
