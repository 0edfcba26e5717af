import type { Metadata } from "next";
import { LiveLog } from "./live-log";

export const metadata: Metadata = { title: "Live log" };

export default function LogPage() {
  return <LiveLog />;
}
