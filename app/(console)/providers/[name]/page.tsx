import type { Metadata } from "next";
import { ProviderDetail } from "./provider-detail";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Provider ${(await params).name}` };
}

export default async function ProviderPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <ProviderDetail name={name} />;
}
