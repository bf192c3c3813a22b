// Shopify's own library, configured as the app is, with its HTTP calls routed to the stand-in.
//
// The library builds Shopify's real URLs (https://{shop}/admin/oauth/access_token,
// https://{shop}/admin/api/{version}/graphql.json). The stand-in serves shop {shop} at
// {standIn}/{shop}/..., so the fetch below rewrites only the origin: method, headers and body
// reach the stand-in exactly as the library wrote them. Any other host is refused, so nothing
// leaves the machine.
import '@shopify/shopify-api/adapters/node';
import {setAbstractFetchFunc} from '@shopify/shopify-api/runtime';
import {ApiVersion, LogSeverity, shopifyApi} from '@shopify/shopify-api';

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** The stand-in's URL for one of Shopify's https://{shop}/... URLs; throws for anything else. */
export function standInUrl(url, standIn) {
  const parsed = new URL(String(url));
  if (parsed.protocol !== 'https:' || !SHOP_HOST.test(parsed.hostname)) {
    throw new Error(`contract: refusing to fetch ${parsed.origin} (only https://{shop}.myshopify.com is routed)`);
  }
  return `${standIn.replace(/\/$/, '')}/${parsed.hostname}${parsed.pathname}${parsed.search}`;
}

/** Route the library's fetch to the stand-in; returns the log of [method, Shopify URL] sent. */
export function routeFetchTo(standIn) {
  const sent = [];
  setAbstractFetchFunc(async (url, init = {}) => {
    const target = url instanceof Request ? url.url : url;
    sent.push([init.method || 'GET', String(target)]);
    if (url instanceof Request) {
      return globalThis.fetch(new Request(standInUrl(url.url, standIn), url), init);
    }
    return globalThis.fetch(standInUrl(url, standIn), init);
  });
  return sent;
}

/** The library configured like the app: embedded, the app's key/secret, scopes and API version. */
export function makeShopify(artifacts) {
  const app = new URL(artifacts.app_url);
  return shopifyApi({
    apiKey: artifacts.api_key,
    apiSecretKey: artifacts.api_secret,
    apiVersion: artifacts.api_version,
    scopes: artifacts.scopes.split(',').filter(Boolean),
    hostName: app.host,
    hostScheme: app.protocol.replace(':', ''),
    isEmbeddedApp: true,
    logger: {level: LogSeverity.Error, log: (_severity, message) => console.error(`library: ${message}`)},
  });
}

/** Whether this release of the library knows the API version the stand-in serves. */
export function knowsApiVersion(version) {
  return Object.values(ApiVersion).includes(version);
}
