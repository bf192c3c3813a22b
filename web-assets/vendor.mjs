// Bundles the page's styles from npm into the app's static files (served by the app itself, never a CDN):
// @shopify/polaris-tokens' CSS custom properties (--p-color-*, --p-border-radius-*, --p-font-*, ...), with
// its MIT notice. Run `npm ci && npm run vendor` here after changing the pinned version; the unit test
// tests/unit/test_vendored_styles.py checks that the committed file is the pinned package's.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "node_modules", "@shopify", "polaris-tokens");
const version = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).version;
const css = readFileSync(join(pkg, "dist", "css", "styles.css"), "utf8");
const notice = readFileSync(join(pkg, "LICENSE.md"), "utf8").trim();
const out = join(here, "..", "shopify_roi", "web", "static", "vendor", "polaris-tokens.css");
writeFileSync(out, `/* @shopify/polaris-tokens ${version} (npm), dist/css/styles.css.\n\n${notice}\n*/\n${css}`);
console.log(`wrote ${out} (@shopify/polaris-tokens ${version})`);
