import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentLoader } from 'adminjs';

// src/components/ from both src/ (tsx) and dist/ (tsc): the .jsx files are bundled by AdminJS, not compiled by tsc
const componentsFolder = new URL('../src/components/', import.meta.url).pathname;

export function loadComponents() {
  const loader = new ComponentLoader();
  const components = {
    Dashboard: loader.add('Dashboard', `${componentsFolder}dashboard.jsx`),
    JsonView: loader.add('JsonView', `${componentsFolder}json-view.jsx`),
    IssueToken: loader.add('IssueToken', `${componentsFolder}issue-token.jsx`),
    SchemaEditor: loader.add('SchemaEditor', `${componentsFolder}schema-editor.jsx`),
    SchemaCompare: loader.add('SchemaCompare', `${componentsFolder}schema-compare.jsx`),
    CreateDestination: loader.add('CreateDestination', `${componentsFolder}create-destination.jsx`),
    ReplayDestination: loader.add('ReplayDestination', `${componentsFolder}replay-destination.jsx`),
  };
  return { loader, components };
}

export type AdminComponents = ReturnType<typeof loadComponents>['components'];

/**
 * Outside production AdminJS bundles the components on the first request and then serves that
 * bundle for good, even after a component changed; a bundle older than any component is removed
 * so the next request builds it again.
 */
export function discardStaleComponentBundle(bundleFolder = process.env.ADMIN_JS_TMP_DIR ?? '.adminjs'): void {
  const bundle = join(bundleFolder, 'bundle.js');
  let builtAt: number;
  try {
    builtAt = statSync(bundle).mtimeMs;
  } catch {
    return; // not built yet
  }
  const newest = Math.max(...readdirSync(componentsFolder).map((file) => statSync(join(componentsFolder, file)).mtimeMs));
  if (newest > builtAt) rmSync(bundle, { force: true }); // force: another process may have removed it first
}
