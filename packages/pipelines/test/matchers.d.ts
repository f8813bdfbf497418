/// <reference types="aws-sdk-client-mock-vitest/extend" />
