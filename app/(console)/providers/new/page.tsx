import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { ProviderForm } from "../_form/provider-form";

export const metadata: Metadata = { title: "New provider" };

export default function NewProviderPage() {
  return (
    <>
      <PageHeader
        title="New provider"
        description="An identity provider whose tokens this gateway validates (Keycloak, Auth0, Authentik, Entra ID, Okta or any OpenID provider)."
      />
      <ProviderForm />
    </>
  );
}
