-- AlterTable
ALTER TABLE "Consent" ADD COLUMN     "servers" TEXT NOT NULL DEFAULT '';

