import { parseArgs } from 'node:util';
import { loadConfigFromProcess } from '../config';
import { connectMongo, disconnectMongo, ensureIndexes } from '../db/mongo';
import { createAccount } from '../services/auth/accounts';

/**
 * `npm run create-admin -- --email a@b.c --password '…' [--name Admin] [--timezone UTC]`, or after a build (as in the
 * image, production dependencies only) `node dist/scripts/create-admin.js --email a@b.c --password '…'`.
 * Needs MONGODB_URI (the embedded development database lives only while `npm start` runs).
 */
async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string', default: 'Administrator' },
      timezone: { type: 'string', default: 'UTC' },
    },
  });
  if (!values.email || !values.password)
    throw new Error(
      'Usage: npm run create-admin -- --email <email> --password <password> (from dist/: node dist/scripts/create-admin.js …)',
    );
  if (values.password.length < 8) throw new Error('The password must be at least 8 characters');
  const config = loadConfigFromProcess();
  if (!config.mongo.uri) throw new Error('Set MONGODB_URI to the database the server uses');
  await connectMongo(config.mongo.uri);
  await ensureIndexes();
  try {
    // An operator vouches for the address: admins start verified.
    const user = await createAccount({
      role: 'admin',
      name: values.name!,
      email: values.email,
      password: values.password,
      timezone: values.timezone!,
      emailVerified: true,
    });
    process.stdout.write(`Created admin ${user.email} (${user.id})\n`);
  } finally {
    await disconnectMongo();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
