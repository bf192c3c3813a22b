// The stand-in's token endpoint and Admin API, driven by the library's own calls:
// shopify.auth.tokenExchange, refreshToken, migrateToExpiringToken, begin/callback, and the
// library's GraphQL client with each token it got.
import {RequestedTokenType} from '@shopify/shopify-api';

import {must} from './report.mjs';
import {standInUrl} from './shopify_setup.mjs';

const HOUR = 3600;
const NINETY_DAYS = 90 * 86400; // 7,776,000 s
const SLACK_MS = 60_000; // the answer's clock and ours may differ by the run's length
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

/** A fresh session token, as App Bridge's shopify.idToken() would give (the control API). */
async function freshSessionToken(artifacts) {
  const response = await fetch(`${artifacts.stand_in}/_devstore/shops/${artifacts.shop}/session-token`, {
    method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}',
  });
  must(response.ok, `control API session-token answered ${response.status}`);
  return (await response.json()).token;
}

function near(date, seconds, what) {
  must(date instanceof Date, `${what}: none`);
  const off = date.getTime() - (Date.now() + seconds * 1000);
  must(Math.abs(off) <= SLACK_MS, `${what} in ${Math.round((date.getTime() - Date.now()) / 1000)} s, expected ${seconds} s`);
}

// Offline access tokens, expiring (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens;
// changelog "Offline access tokens now support expiry and refresh", 2025-12-10): access_token,
// expires_in 3600, refresh_token and refresh_token_expires_in (90 days), scope.
function checkExpiring(shopify, artifacts, session) {
  must(session.id === `offline_${artifacts.shop}` && !session.isOnline, `session ${session.id}`);
  must(session.accessToken, 'no access_token');
  must(session.isActive(shopify.config.scopes), `inactive or missing scopes: granted "${session.scope}"`);
  near(session.expires, HOUR, 'access token expiry');
  must(session.refreshToken, 'no refresh_token');
  near(session.refreshTokenExpires, NINETY_DAYS, 'refresh token expiry');
}

/** The library's GraphQL client, with this session, reads the shop; returns the domain. */
async function readShop(shopify, session) {
  const client = new shopify.clients.Graphql({session});
  const answer = await client.request('query ContractShop { shop { myshopifyDomain } }');
  return answer.data?.shop?.myshopifyDomain;
}

async function mustReadShop(shopify, artifacts, session, what) {
  const domain = await readShop(shopify, session);
  must(domain === artifacts.shop, `${what}: the Admin API answered shop ${domain}`);
}

async function exchange(shopify, artifacts, expiring) {
  const sessionToken = await freshSessionToken(artifacts);
  const {session} = await shopify.auth.tokenExchange({
    shop: artifacts.shop, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring,
  });
  return session;
}

async function checkExchangeAndRefresh(shopify, artifacts, report) {
  // Token exchange (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange).
  let first;
  await report.check('token exchange: expiring offline token', async () => {
    first = await exchange(shopify, artifacts, true);
    checkExpiring(shopify, artifacts, first);
    await mustReadShop(shopify, artifacts, first, 'exchanged token');
    return `scope "${first.scope}", Admin GraphQL answers`;
  });
  if (!first) return;
  // "Shopify replaces its refresh token every time your app uses it"
  // (https://shopify.dev/docs/apps/build/security/credentials-and-data/use-expiring-offline-access-tokens).
  await report.check('refresh: rotated pair', async () => {
    const {session} = await shopify.auth.refreshToken({shop: artifacts.shop, refreshToken: first.refreshToken});
    checkExpiring(shopify, artifacts, session);
    must(session.accessToken !== first.accessToken, 'the same access token came back');
    must(session.refreshToken !== first.refreshToken, 'the same refresh token came back');
    await mustReadShop(shopify, artifacts, session, 'refreshed token');
    return 'new access and refresh tokens, Admin GraphQL answers';
  });
}

async function checkMigration(shopify, artifacts, report) {
  let legacy;
  await report.check('token exchange: non-expiring offline token', async () => {
    legacy = await exchange(shopify, artifacts, false);
    must(legacy.accessToken && !legacy.expires && !legacy.refreshToken, 'expiry or refresh token on a non-expiring token');
    await mustReadShop(shopify, artifacts, legacy, 'non-expiring token');
    return 'no expiry, Admin GraphQL answers';
  });
  if (!legacy) return;
  // Migrate to expiring offline access tokens
  // (https://shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens);
  // changelog "More resilient token exchanges when migrating tokens without a user session":
  // "The original non-expiring token remains invalid for GraphQL Admin API requests after migration."
  await report.check('migrate to expiring token', async () => {
    const {session} = await shopify.auth.migrateToExpiringToken({
      shop: artifacts.shop, nonExpiringOfflineAccessToken: legacy.accessToken,
    });
    checkExpiring(shopify, artifacts, session);
    await mustReadShop(shopify, artifacts, session, 'migrated token');
    const status = await readShop(shopify, legacy).then(() => 200, (error) => error?.response?.code);
    must(status === 401, `the migrated non-expiring token still answered ${status}`);
    return 'expiring pair; the old token is refused (401)';
  });
}

function fakeResponse() {
  return {
    statusCode: 200, statusMessage: '', headers: {},
    getHeaders() { return {...this.headers}; },
    setHeader(name, value) { this.headers[name] = value; },
    write() {}, end() {},
  };
}

// Authorization code grant, end to end as the library does it: begin (state cookie, authorize
// URL), the stand-in's authorize redirect, callback (hmac, state, code exchange).
async function checkAuthorizationCode(shopify, artifacts, report) {
  await report.check('OAuth authorization code: auth.begin -> authorize -> auth.callback', async () => {
    const start = fakeResponse();
    await shopify.auth.begin({
      shop: artifacts.shop, callbackPath: '/auth/callback', isOnline: false,
      rawRequest: {method: 'GET', url: `/auth?shop=${artifacts.shop}`, headers: {'user-agent': BROWSER}},
      rawResponse: start,
    });
    const authorizeUrl = start.headers.Location;
    must(start.statusCode === 302 && authorizeUrl, `auth.begin answered ${start.statusCode}`);
    const authorize = await fetch(standInUrl(authorizeUrl, artifacts.stand_in), {redirect: 'manual'});
    const callbackUrl = authorize.headers.get('location') ?? '';
    must(authorize.status === 302, `authorize answered ${authorize.status}: ${(await authorize.text()).slice(0, 200)}`);
    must(callbackUrl.startsWith(`${artifacts.app_url}/auth/callback?`), `authorize redirected to ${callbackUrl}`);
    const cookies = [start.headers['Set-Cookie']].flat().map((c) => c.split(';')[0]).join('; ');
    const url = new URL(callbackUrl);
    const {session} = await shopify.auth.callback({
      expiring: true,
      rawRequest: {method: 'GET', url: url.pathname + url.search, headers: {cookie: cookies, 'user-agent': BROWSER}},
      rawResponse: fakeResponse(),
    });
    checkExpiring(shopify, artifacts, session);
    await mustReadShop(shopify, artifacts, session, 'authorization-code token');
    return 'callback accepted the hmac and state; expiring pair; Admin GraphQL answers';
  });
}

/** Every grant the app uses, performed by the library against the running stand-in. */
export async function checkGrants(shopify, artifacts, report) {
  await checkExchangeAndRefresh(shopify, artifacts, report);
  await checkMigration(shopify, artifacts, report);
  await checkAuthorizationCode(shopify, artifacts, report);
}
