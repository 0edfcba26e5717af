// oidc-provider ships no type declarations; the harness only uses a small, dynamic part of it.
declare module "oidc-provider" {
  const Provider: any;
  export default Provider;
  export const errors: any;
  export const interactionPolicy: any;
}
