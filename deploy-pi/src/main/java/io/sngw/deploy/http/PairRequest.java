package io.sngw.deploy.http;

import io.sngw.core.linksec.InstallCode;
import io.sngw.core.linksec.PairingWindow;
import io.sngw.core.linksec.PairingWindows;
import io.sngw.core.linksec.RadioFrame;
import io.sngw.core.security.ClientIds;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code POST /api/pair}: {@code {"seconds": 1..3600, "installCode": "…"|null, "clientId": "…"|null,
 * "radioId": "16 hex digits"|null, "storeDir": "…"}}, what {@code sngw pair} would otherwise write into the store.
 * {@code storeDir} names the store the CLI's configuration points at: a gateway on another store is not the one meant
 * (another configuration's gateway on the same port), and says so with 409 rather than open a window.
 */
record PairRequest(Duration duration, Optional<InstallCode> installCode, Optional<String> clientId, OptionalLong radio,
                   String storeDir) {
    static final int MAX_SECONDS = 3600;
    static final int MAX_BODY = 4096;

    /** @throws IllegalArgumentException naming the field that is wrong, never echoing the install code */
    static PairRequest parse(String body) {
        if (!(Json.parse(body) instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        Object seconds = m.containsKey("seconds") ? m.get("seconds") : 60;
        if (!(seconds instanceof Integer s) || s < 1 || s > MAX_SECONDS) {
            throw new IllegalArgumentException("seconds: expected an integer 1.." + MAX_SECONDS);
        }
        Optional<InstallCode> code;
        try {
            code = Optional.ofNullable(text(m, "installCode")).map(InstallCode::parse);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("installCode: not valid: expected 32 hex digits, dashes allowed");
        }
        String clientId = text(m, "clientId");
        if (clientId != null && ClientIds.problem(clientId, ClientIds.MAX_SENSOR_ID_BYTES) != null) {
            throw new IllegalArgumentException("clientId: " + ClientIds.problem(clientId, ClientIds.MAX_SENSOR_ID_BYTES));
        }
        String radioId = text(m, "radioId");
        OptionalLong radio;
        try {
            radio = radioId == null ? OptionalLong.empty() : OptionalLong.of(RadioFrame.parseDevid(radioId));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("radioId: expected 16 hex digits");
        }
        return new PairRequest(Duration.ofSeconds(s), code, Optional.ofNullable(clientId), radio, text(m, "storeDir"));
    }

    private static String text(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException(key + ": expected a string or null");
        }
        return (String) v;
    }

    /** Opens the window; the answer says what it is, never the install code. */
    Map<String, Object> openIn(PairingWindows windows) {
        PairingWindow w = windows.open(duration, installCode, clientId, radio);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", w.id());
        out.put("opened", w.opened().toString());
        out.put("closes", w.closes().toString());
        out.put("installCode", installCode.isPresent());
        out.put("clientId", clientId.orElse(null));
        out.put("radioId", radio.isPresent() ? RadioFrame.hex(radio.getAsLong()) : null);
        return out;
    }
}
