import { parseArgs } from 'node:util';
import { DEFAULT_S2S_APP, DEFAULT_USER_MANAGED_APP } from './options';
import { startZoomSandbox } from './zoom-sandbox';

/** `npm run zoom-sandbox`: a standalone Zoom sandbox, configured by flags only. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      'auto-approve': { type: 'boolean', default: false },
      'token-ttl': { type: 'string' },
      'client-id': { type: 'string', default: DEFAULT_USER_MANAGED_APP.clientId },
      'client-secret': { type: 'string', default: DEFAULT_USER_MANAGED_APP.clientSecret },
      's2s-account-id': { type: 'string', default: DEFAULT_S2S_APP.accountId },
      's2s-client-id': { type: 'string', default: DEFAULT_S2S_APP.clientId },
      's2s-client-secret': { type: 'string', default: DEFAULT_S2S_APP.clientSecret },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      'Usage: zoom-sandbox [--port 4010] [--host 127.0.0.1] [--auto-approve] [--token-ttl seconds]\n' +
        '       [--client-id id --client-secret secret] [--s2s-account-id id --s2s-client-id id --s2s-client-secret secret]\n' +
        '       [--webhook-url https://api.example/api/zoom/webhook --webhook-secret token]',
    );
    return;
  }
  const port = integer(values.port, '--port', 0);
  const tokenTtl = values['token-ttl'] === undefined ? undefined : integer(values['token-ttl'], '--token-ttl', 1);

  const sandbox = await startZoomSandbox({
    host: values.host,
    port,
    autoApprove: values['auto-approve'],
    ...(tokenTtl === undefined ? {} : { accessTokenTtlSeconds: tokenTtl }),
    userManagedApps: [{ clientId: values['client-id'], clientSecret: values['client-secret'] }],
    s2sApps: [
      {
        accountId: values['s2s-account-id'],
        clientId: values['s2s-client-id'],
        clientSecret: values['s2s-client-secret'],
      },
    ],
    logger: (line) => console.log(`[zoom-sandbox] ${line}`),
    ...(values['webhook-url'] && values['webhook-secret']
      ? { webhook: { url: values['webhook-url'], secretToken: values['webhook-secret'] } }
      : {}),
  });

  console.log(`Zoom sandbox listening on ${sandbox.url}`);
  console.log(`  OAuth base URL:  ${sandbox.oauthBaseUrl}   (Zoom: https://zoom.us)`);
  console.log(`  API base URL:    ${sandbox.apiBaseUrl}   (Zoom: https://api.zoom.us/v2)`);
  console.log(`  Controls:        ${sandbox.url}/_sandbox`);
  console.log(`  User-managed app: ${values['client-id']} / ${values['client-secret']}`);
  console.log(
    `  S2S app:          account ${values['s2s-account-id']}, ${values['s2s-client-id']} / ${values['s2s-client-secret']}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}, closing the Zoom sandbox`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function integer(raw: string, flag: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${flag} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
