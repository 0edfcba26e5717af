-- AlterTable
ALTER TABLE "OAuthClient" ADD COLUMN "upstreamRegistrationTokenEnc" TEXT;
ALTER TABLE "OAuthClient" ADD COLUMN "upstreamRegistrationUri" TEXT;

