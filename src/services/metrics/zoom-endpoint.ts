/**
 * The endpoint group of a Zoom URL, for a metric label: a fixed set of names, never an id. Paths are matched after
 * the API base (…/v2) or the OAuth host, so the sandbox and real Zoom give the same groups.
 */
const GROUPS: Array<[method: string, pattern: RegExp, group: string]> = [
  ['POST', /\/oauth\/token$/, 'oauth.token'],
  ['POST', /\/oauth\/revoke$/, 'oauth.revoke'],
  ['POST', /\/users\/[^/]+\/meetings$/, 'meetings.create'],
  ['GET', /\/users\/[^/]+\/meetings$/, 'meetings.list'],
  ['GET', /\/meetings\/[^/]+$/, 'meetings.get'],
  ['PATCH', /\/meetings\/[^/]+$/, 'meetings.update'],
  ['DELETE', /\/meetings\/[^/]+$/, 'meetings.delete'],
  ['GET', /\/users\/[^/]+$/, 'users.get'],
  ['GET', /\/users$/, 'users.list'],
];

export function zoomEndpointGroup(method: string, url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return 'other';
  }
  const upper = method.toUpperCase();
  for (const [m, pattern, group] of GROUPS) if (m === upper && pattern.test(path)) return group;
  return 'other';
}
