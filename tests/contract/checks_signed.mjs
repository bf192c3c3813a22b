// What the stand-in signs, checked with the library's own validators: webhook deliveries
// (shopify.webhooks.validate), signed query strings (shopify.utils.validateHmac) and session
// tokens (shopify.session.decodeSessionToken). Each check names the shopify.dev page it holds
// the stand-in to.
import {must} from './report.mjs';

const header = (pairs, name) => pairs.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
const storageTopic = (topic) => topic.toUpperCase().replace(/\/|\./g, '_');

/** The library's view of one captured delivery: raw body as sent, headers as received. */
async function validateDelivery(shopify, delivery, rawBody) {
  return shopify.webhooks.validate({
    rawBody,
    rawRequest: {method: 'POST', url: delivery.path, headers: Object.fromEntries(delivery.headers)},
    rawResponse: {},
  });
}

// Webhooks delivery structure (https://shopify.dev/docs/apps/build/webhooks/delivery-structure):
// a JSON POST to the subscription's uri with X-Shopify-Topic, -Hmac-Sha256 (base64 HMAC-SHA256 of
// the raw body, key = client secret; https://shopify.dev/docs/apps/build/webhooks/verify-deliveries),
// -Shop-Domain, -API-Version, -Webhook-Id, -Triggered-At and -Event-Id. The library requires the
// first five; the last two are in every delivery per the page, so they are required here too.
async function checkDelivery(shopify, artifacts, topic, delivery) {
  const rawBody = Buffer.from(delivery.body_b64, 'base64').toString('utf8');
  const result = await validateDelivery(shopify, delivery, rawBody);
  must(result.valid, `shopify.webhooks.validate refused it: ${JSON.stringify(result)}`);
  must(result.topic === storageTopic(topic), `topic ${result.topic}, expected ${storageTopic(topic)}`);
  must(result.domain === artifacts.shop, `X-Shopify-Shop-Domain ${result.domain}, expected ${artifacts.shop}`);
  must(result.apiVersion === artifacts.api_version,
    `X-Shopify-API-Version ${result.apiVersion}, subscribed with api_version ${artifacts.api_version}`);
  must(result.eventId, 'no X-Shopify-Event-Id');
  must(result.triggeredAt && !Number.isNaN(Date.parse(result.triggeredAt)),
    `X-Shopify-Triggered-At ${result.triggeredAt} is not a timestamp`);
  must(/^application\/json\b/.test(header(delivery.headers, 'Content-Type') ?? ''), 'Content-Type is not JSON');
  const body = JSON.parse(rawBody);
  must(body !== null && typeof body === 'object' && !Array.isArray(body), 'the body is not a JSON object');
  must(delivery.path === artifacts.topics[topic], `sent to ${delivery.path}, subscribed ${artifacts.topics[topic]}`);
  return result.webhookId;
}

/** Every subscribed topic was delivered, and every delivery passes the library's validation. */
export async function checkWebhooks(shopify, artifacts, report) {
  const ids = [];
  for (const topic of Object.keys(artifacts.topics)) {
    const deliveries = artifacts.deliveries.filter((d) => header(d.headers, 'X-Shopify-Topic') === topic);
    if (!deliveries.length) report.fail(`webhook ${topic}`, 'no delivery captured for a subscribed topic');
    for (const [n, delivery] of deliveries.entries()) {
      await report.check(`webhook ${topic}${deliveries.length > 1 ? ` #${n + 1}` : ''}`, async () => {
        ids.push(await checkDelivery(shopify, artifacts, topic, delivery));
        return `valid, ${delivery.path}`;
      });
    }
  }
  // "X-Shopify-Webhook-Id: a unique composite key per delivery" (delivery-structure page);
  // this run has no retries, so no two deliveries may share one.
  report.expect('webhook ids unique per delivery', new Set(ids).size === ids.length,
    `${ids.length - new Set(ids).size} repeated X-Shopify-Webhook-Id values`, `${ids.length} deliveries`);
  const [first] = artifacts.deliveries;
  if (first) {
    // Control: one byte added to a body must make the library refuse the signature.
    const altered = `${Buffer.from(first.body_b64, 'base64').toString('utf8')} `;
    const result = await validateDelivery(shopify, first, altered);
    report.expect('control: an altered webhook body is refused', !result.valid && result.reason === 'invalid_hmac',
      `the library accepted it: ${JSON.stringify(result)}`);
  }
}

async function checkSignedQuery(shopify, artifacts, url) {
  const query = Object.fromEntries(new URL(url).searchParams);
  must(await shopify.utils.validateHmac(query), 'shopify.utils.validateHmac: the hmac does not match');
  must(shopify.utils.sanitizeShop(query.shop) === artifacts.shop, `shop ${query.shop}`);
  must(shopify.utils.sanitizeHost(query.host), `host ${query.host} is not a Shopify admin host`);
  const handle = artifacts.shop.split('.')[0];
  must(Buffer.from(query.host, 'base64').toString() === `admin.shopify.com/store/${handle}`,
    `host decodes to ${Buffer.from(query.host, 'base64').toString()}`);
  return query;
}

/** The OAuth authorize redirect and the admin's app frame URL carry a valid query HMAC. */
export async function checkSignedQueries(shopify, artifacts, report) {
  // Implement authorization code grant manually, "Verify the installation request" / step 3
  // (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant):
  // the redirect to redirect_uri carries code, hmac, host, shop, state and timestamp.
  const oauth = artifacts.oauth;
  await report.check('OAuth authorize redirect: query hmac', async () => {
    must(oauth.location.startsWith(`${oauth.redirect_uri}?`), `redirected to ${oauth.location}`);
    const query = await checkSignedQuery(shopify, artifacts, oauth.location);
    must(query.state === oauth.state, `state ${query.state}, sent ${oauth.state}`);
    must(query.code, 'no code');
    return 'valid (code, host, shop, state, timestamp)';
  });
  await report.check('admin app frame: query hmac and id_token', async () => {
    must(artifacts.admin_frame.startsWith(artifacts.app_url), `frame ${artifacts.admin_frame}`);
    const query = await checkSignedQuery(shopify, artifacts, artifacts.admin_frame);
    must(query.embedded === '1', `embedded=${query.embedded}`);
    const embedded = await shopify.auth.buildEmbeddedAppUrl(query.host);
    const handle = artifacts.shop.split('.')[0];
    must(embedded === `https://admin.shopify.com/store/${handle}/apps/${artifacts.api_key}`, `embedded URL ${embedded}`);
    await checkClaims(shopify, artifacts, query.id_token);
    return 'valid, id_token decodes';
  });
  const tampered = new URL(oauth.location);
  tampered.searchParams.set('shop', `x${artifacts.shop}`);
  const accepted = await shopify.utils.validateHmac(Object.fromEntries(tampered.searchParams)).catch(() => false);
  report.expect('control: a redirect with another shop is refused', !accepted, 'the library accepted it');
}

// Session tokens (https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens):
// HS256 with the client secret, aud = client id, lifetime one minute; the library's JwtPayload:
// iss "the shop's admin domain", dest "the shop's domain", sub, exp, nbf, iat, jti, sid.
async function checkClaims(shopify, artifacts, token) {
  const claims = await shopify.session.decodeSessionToken(token);
  for (const claim of ['iss', 'dest', 'aud', 'sub', 'exp', 'nbf', 'iat', 'jti', 'sid']) {
    must(claims[claim] !== undefined && claims[claim] !== '', `no ${claim} claim`);
  }
  must(claims.dest === `https://${artifacts.shop}`, `dest ${claims.dest}`);
  must(claims.iss === `https://${artifacts.shop}/admin`, `iss ${claims.iss}`);
  must(claims.exp - claims.iat <= 60 && claims.exp > claims.iat, `lifetime ${claims.exp - claims.iat} s`);
  return claims;
}

/** Control-API session tokens decode, and name the shop the way the library reads it. */
export async function checkSessionTokens(shopify, artifacts, report) {
  const token = artifacts.session_tokens.valid;
  await report.check('session token (control API)', async () => {
    const claims = await checkClaims(shopify, artifacts, token);
    const rawRequest = {method: 'GET', url: '/api/x', headers: {authorization: `Bearer ${token}`}};
    const offline = await shopify.session.getCurrentId({isOnline: false, rawRequest});
    must(offline === `offline_${artifacts.shop}`, `offline session id ${offline}`);
    const online = await shopify.session.getCurrentId({isOnline: true, rawRequest});
    must(online === `${artifacts.shop}_${claims.sub}`, `online session id ${online}`);
    return `decodes; session ids ${offline}, ${online}`;
  });
  for (const [name, forged] of Object.entries(artifacts.session_tokens.forged)) {
    const refused = await shopify.session.decodeSessionToken(forged).then(() => false, () => true);
    report.expect(`control: a session token with ${name} is refused`, refused, 'the library accepted it');
  }
}

// Flow's requests to the app ("Create Flow action endpoints",
// https://shopify.dev/docs/apps/build/flow/actions/endpoints; "Track Flow lifecycle events",
// https://shopify.dev/docs/apps/build/flow/track-lifecycle-events): a JSON POST whose X-Shopify-Hmac-Sha256
// the library's shopify.flow.validate accepts, carrying the shop's domain.
export async function checkFlow(shopify, artifacts, report) {
  if (!artifacts.flow_requests?.length) report.fail('Flow requests', 'none captured');
  for (const request of artifacts.flow_requests ?? []) {
    await report.check(`Flow request ${request.path}`, async () => {
      const rawBody = Buffer.from(request.body_b64, 'base64').toString('utf8');
      const result = await shopify.flow.validate({
        rawBody,
        rawRequest: {method: 'POST', url: request.path, headers: Object.fromEntries(request.headers)},
        rawResponse: {},
      });
      must(result.valid, `shopify.flow.validate refused it: ${JSON.stringify(result)}`);
      must(JSON.parse(rawBody).shopify_domain === artifacts.shop, 'the body does not name the shop');
      return 'valid';
    });
  }
}
