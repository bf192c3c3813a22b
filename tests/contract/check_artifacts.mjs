#!/usr/bin/env node
// Contract test of the devstore stand-in with Shopify's own @shopify/shopify-api.
//
//   node check_artifacts.mjs artifacts.json
//
// artifacts.json is written by test_shopify_library_contract.py: the webhook deliveries the
// stand-in made (raw body, headers), Flow's requests to the app, its OAuth authorize redirect, the admin's app frame URL,
// session tokens, and where the stand-in runs. The script checks each with the library's own
// functions, then performs the token grants against the running stand-in. One line per check;
// exit status 1 when any check failed, naming each.
import {readFileSync} from 'node:fs';

import {checkGrants} from './checks_grants.mjs';
import {checkFlow, checkSessionTokens, checkSignedQueries, checkWebhooks} from './checks_signed.mjs';
import {Report} from './report.mjs';
import {knowsApiVersion, makeShopify, routeFetchTo} from './shopify_setup.mjs';

async function main(path) {
  const artifacts = JSON.parse(readFileSync(path, 'utf8'));
  const report = new Report();
  const {version} = JSON.parse(readFileSync(new URL('./node_modules/@shopify/shopify-api/package.json', import.meta.url)));
  console.log(`@shopify/shopify-api ${version} on Node ${process.version}; stand-in ${artifacts.stand_in}, shop ${artifacts.shop}`);
  if (!report.expect('library knows the API version', knowsApiVersion(artifacts.api_version),
    `@shopify/shopify-api ${version} has no ApiVersion ${artifacts.api_version}`, artifacts.api_version)) {
    return report;
  }
  const shopify = makeShopify(artifacts);
  const sent = routeFetchTo(artifacts.stand_in);
  await checkWebhooks(shopify, artifacts, report);
  await checkFlow(shopify, artifacts, report);
  await checkSignedQueries(shopify, artifacts, report);
  await checkSessionTokens(shopify, artifacts, report);
  await checkGrants(shopify, artifacts, report);
  console.log(`library requests routed to the stand-in: ${sent.length}`);
  return report;
}

const path = process.argv[2];
if (!path) {
  console.error('usage: node check_artifacts.mjs artifacts.json');
  process.exit(2);
}
const report = await main(path);
if (report.failures.length) {
  console.log(`\n${report.failures.length} check(s) failed, ${report.passed} passed:`);
  for (const name of report.failures) console.log(`  - ${name}`);
  process.exit(1);
}
console.log(`\nall ${report.passed} checks passed`);
