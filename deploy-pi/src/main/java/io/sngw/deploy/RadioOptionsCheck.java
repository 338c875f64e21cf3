package io.sngw.deploy;

import io.sngw.core.linksec.InstallCode;

/** The shapes of the radio options of the CLI (--radio-id, --radio-key, --install-code); never echoes a secret. */
final class RadioOptionsCheck {
    private RadioOptionsCheck() {
    }

    /** Null when both are well formed; otherwise what is wrong. */
    static String problem(String radioId, String radioKey) {
        String problem = radioIdProblem(radioId);
        if (problem != null) {
            return problem;
        }
        if (radioKey != null && (radioKey.length() != 32 || !radioKey.chars().allMatch(RadioOptionsCheck::hex))) {
            return "--radio-key: not valid (" + radioKey.length() + " characters): expected 32 hex digits, a"
                    + " 16-byte key; the value is not shown, it is a secret";
        }
        return null;
    }

    static String radioIdProblem(String radioId) {
        if (radioId != null && (radioId.length() != 16 || !radioId.chars().allMatch(RadioOptionsCheck::hex))) {
            return "--radio-id: " + ConfigException.describe(radioId) + " is not valid: expected 16 hex digits,"
                    + " the radio's 64-bit device id";
        }
        return null;
    }

    static String installCodeProblem(String code) {
        try {
            InstallCode.parse(code);
            return null;
        } catch (IllegalArgumentException e) {
            return "--install-code: not valid (" + e.getMessage() + "): expected 32 hex digits, dashes allowed;"
                    + " the value is not shown, it is a secret";
        }
    }

    private static boolean hex(int c) {
        return "0123456789abcdefABCDEF".indexOf(c) >= 0;
    }
}
