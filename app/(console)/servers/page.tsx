import type { Metadata } from "next";
import { ServersList } from "./servers-list";

export const metadata: Metadata = { title: "Servers" };

export default function ServersPage() {
  return <ServersList />;
}
