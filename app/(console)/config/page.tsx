import type { Metadata } from "next";
import { ConfigPage } from "./config-page";

export const metadata: Metadata = { title: "Config" };

export default function Page() {
  return <ConfigPage />;
}
