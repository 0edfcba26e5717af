-- AlterTable
ALTER TABLE "OAuthClient" ADD COLUMN     "upstreamRegistrationTokenEnc" TEXT,
ADD COLUMN     "upstreamRegistrationUri" TEXT;

