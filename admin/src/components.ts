import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentLoader } from 'adminjs';

// src/components/ from both src/ (tsx) and dist/ (tsc): the .jsx files are bundled by AdminJS, not compiled by tsc
const componentsFolder = new URL('../src/components/', import.meta.url).pathname;
const componentModules = ['json-text.ts', 'time-format.ts'].map((file) => new URL(`../src/${file}`, import.meta.url).pathname);

export function loadComponents() {
  const loader = new ComponentLoader();
  const components = {
    Dashboard: loader.add('Dashboard', `${componentsFolder}dashboard.jsx`),
    JsonView: loader.add('JsonView', `${componentsFolder}json-view.jsx`),
    IssueToken: loader.add('IssueToken', `${componentsFolder}issue-token.jsx`),
    AllowedOrigins: loader.add('AllowedOrigins', `${componentsFolder}allowed-origins.jsx`),
    OriginList: loader.add('OriginList', `${componentsFolder}origin-list.jsx`),
    SchemaEditor: loader.add('SchemaEditor', `${componentsFolder}schema-editor.jsx`),
    SchemaCompare: loader.add('SchemaCompare', `${componentsFolder}schema-compare.jsx`),
    CreateDestination: loader.add('CreateDestination', `${componentsFolder}create-destination.jsx`),
    ReplayDestination: loader.add('ReplayDestination', `${componentsFolder}replay-destination.jsx`),
    ConfirmAction: loader.add('ConfirmAction', `${componentsFolder}confirm-action.jsx`),
    Timestamp: loader.add('Timestamp', `${componentsFolder}timestamp.jsx`),
    Reasons: loader.add('Reasons', `${componentsFolder}reasons.jsx`),
    Scopes: loader.add('Scopes', `${componentsFolder}scopes.jsx`),
    LiveEvents: loader.add('LiveEvents', `${componentsFolder}live-events.jsx`),
    ErrorTriage: loader.add('ErrorTriage', `${componentsFolder}error-triage.jsx`),
    DestinationBacklog: loader.add('DestinationBacklog', `${componentsFolder}destination-backlog.jsx`),
    RecentAttempts: loader.add('RecentAttempts', `${componentsFolder}recent-attempts.jsx`),
  };
  // AdminJS's own component, replaced for every list
  loader.override('FilterDrawer', `${componentsFolder}filter-drawer.jsx`);
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
  // the components import a few modules beside their folder (json-text.ts, time-format.ts)
  const sources = [...readdirSync(componentsFolder).map((file) => join(componentsFolder, file)), ...componentModules];
  const newest = Math.max(...sources.map((file) => statSync(file).mtimeMs));
  if (newest > builtAt) rmSync(bundle, { force: true }); // force: another process may have removed it first
}
