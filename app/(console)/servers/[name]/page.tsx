import type { Metadata } from "next";
import { ServerDetail } from "./server-detail";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Server ${(await params).name}` };
}

export default async function ServerPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <ServerDetail name={name} />;
}
