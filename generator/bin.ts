#!/usr/bin/env node
/** `provider = "prisma-spector"` in a schema's generator block starts this. */
import { runGenerator } from './handler.ts'

runGenerator()
