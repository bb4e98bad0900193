/**
 * A counting TCP proxy in front of MongoDB: the server under test connects through it, so every round trip is seen
 * without any instrumentation in production code. Each client→server OP_MSG is one round trip; it is named by its
 * command and collection (`update bookings`). Replies are read too, to tell an idle poll (a due-work query of the job
 * poller that found nothing) from real work.
 */
import net from 'node:net';
import { BSON } from 'mongodb';

const OP_MSG = 2013;
/** Driver housekeeping (server monitoring, pool health, session clean-up): not work any request caused. */
const HOUSEKEEPING = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'endSessions', 'buildInfo', 'saslStart']);
/** Fields the job poller sorts due work by; a sorted find on one of them is a poll. */
const DUE_FIELDS = ['runAt', 'nextAttemptAt', 'meeting.nextAttemptAt'];

export interface RoundTrip {
  /** e.g. "find bookings" */
  name: string;
  idlePoll: boolean;
}

interface Pending {
  name: string;
  poll: boolean;
  seq: number;
}

/** The OP_MSG body document (section kind 0) of one wire message. */
function bodyOf(msg: Buffer): Record<string, unknown> | undefined {
  if (msg.readInt32LE(12) !== OP_MSG) return undefined;
  const flags = msg.readUInt32LE(16);
  const end = msg.length - (flags & 1 ? 4 : 0);
  for (let at = 20; at < end;) {
    const kind = msg[at]!;
    const size = msg.readInt32LE(at + 1);
    if (kind === 0) return BSON.deserialize(msg.subarray(at + 1, at + 1 + size), { promoteValues: true });
    at += 1 + size;
  }
  return undefined;
}

/** Splits a byte stream into complete wire messages. */
function framer(onMessage: (msg: Buffer) => void) {
  let buffered: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    while (buffered.length >= 4) {
      const length = buffered.readInt32LE(0);
      if (buffered.length < length) break;
      onMessage(buffered.subarray(0, length));
      buffered = buffered.subarray(length);
    }
  };
}

export async function startMongoProxy(target: { host: string; port: number }) {
  const trips: RoundTrip[] = [];
  let seq = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    const inFlight = new Map<number, Pending>();
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      readRequests(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      readReplies(chunk);
    });
    const readRequests = framer((msg) => {
      const body = bodyOf(msg);
      if (!body) return;
      const command = Object.keys(body)[0]!;
      if (HOUSEKEEPING.has(command)) return;
      const target = body[command];
      const sort = (body.sort ?? {}) as Record<string, unknown>;
      const poll = command === 'find' && DUE_FIELDS.some((f) => f in sort);
      inFlight.set(msg.readInt32LE(4), {
        name: typeof target === 'string' ? `${command} ${target}` : command,
        poll,
        seq: (seq += 1),
      });
    });
    const readReplies = framer((msg) => {
      const pending = inFlight.get(msg.readInt32LE(8));
      if (!pending) return;
      inFlight.delete(msg.readInt32LE(8));
      let empty = false;
      if (pending.poll) {
        const cursor = bodyOf(msg)?.cursor as { firstBatch?: unknown[] } | undefined;
        empty = (cursor?.firstBatch?.length ?? 0) === 0;
      }
      // Recorded on the next turn of the event loop: an HTTP response that arrived in the same turn is seen first,
      // so a command sent after the response is never counted inside the request.
      setImmediate(() => trips.push({ name: pending.name, idlePoll: empty }));
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    /** How many round trips have completed so far (a mark to count from). */
    mark: () => trips.length,
    /** Round trips completed between two marks (default: up to now), idle polls left out. */
    since: (mark: number, until?: number) => trips.slice(mark, until).filter((t) => !t.idlePoll),
    idlePollsSince: (mark: number) => trips.slice(mark).filter((t) => t.idlePoll).length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type MongoProxy = Awaited<ReturnType<typeof startMongoProxy>>;
