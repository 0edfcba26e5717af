import type { Metadata } from "next";
import { ProvidersList } from "./providers-list";

export const metadata: Metadata = { title: "Providers" };

export default function ProvidersPage() {
  return <ProvidersList />;
}
