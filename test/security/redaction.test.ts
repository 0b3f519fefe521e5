import { redactionSuite } from "./redaction-suite";
import { startTestApp } from "../support/test-app";

redactionSuite("sqlite", () => startTestApp());
