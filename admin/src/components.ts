import { ComponentLoader } from 'adminjs';

// src/components/ from both src/ (tsx) and dist/ (tsc): the .jsx files are bundled by AdminJS, not compiled by tsc
const componentsFolder = new URL('../src/components/', import.meta.url).pathname;

export function loadComponents() {
  const loader = new ComponentLoader();
  const components = {
    Dashboard: loader.add('Dashboard', `${componentsFolder}dashboard.jsx`),
    JsonView: loader.add('JsonView', `${componentsFolder}json-view.jsx`),
    IssueToken: loader.add('IssueToken', `${componentsFolder}issue-token.jsx`),
    CreateDestination: loader.add('CreateDestination', `${componentsFolder}create-destination.jsx`),
    ReplayDestination: loader.add('ReplayDestination', `${componentsFolder}replay-destination.jsx`),
  };
  return { loader, components };
}

export type AdminComponents = ReturnType<typeof loadComponents>['components'];
