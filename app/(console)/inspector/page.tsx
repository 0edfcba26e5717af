import type { Metadata } from "next";
import { Inspector } from "./inspector";

export const metadata: Metadata = { title: "Token inspector" };

export default function InspectorPage() {
  return <Inspector />;
}
