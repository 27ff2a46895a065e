/**
 * NO_COLOR per no-color.org: present and non-empty disables colour. Kept free of React so
 * render.tsx can read it before React is loaded (React picks its build on first load).
 */
export function envNoColor(env: NodeJS.ProcessEnv): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}
