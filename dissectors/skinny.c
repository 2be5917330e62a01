/*
 * skinny.c - SCCP (Skinny Client Control Protocol) dissector; see skinny.h.
 *
 * Cisco publishes no specification; the layouts below follow Wireshark's
 * packet-skinny.c and tools/SkinnyProtocolOptimized.xml and were checked
 * against real captures with tshark 4.0. All integers are little-endian
 * except IPv4 addresses inside messages (network order).
 *
 * Framing over the reassembled TCP stream (either direction):
 *
 *   LE32 length        bytes after the header version: 4 (message id) + body
 *   LE32 headerVersion 0 basic, 0x0a, 0x0b, 0x0f..0x16 (protocol v10..v22)
 *   LE32 messageId
 *   body               length - 4 bytes
 *
 * Messages decoded (body offsets; later fields only when the body holds them):
 *   0x0001 Register: deviceName[16] 0, userId 16, instance 20, stationIpAddr
 *          24 (IPv4), deviceType 28, maxStreams 32, activeStreams 36,
 *          protocolVer u8 40, (u8, u16 features) 41, maxConferences 44,
 *          activeConferences 48, macAddress[12] 52 (6 bytes binary + 6 zero),
 *          ipV4AddressScope 64, maxNumberOfLines 68, stationIpV6Addr[16] 72,
 *          ipV6AddressScope 88, firmwareLoadName[32] 92
 *   0x0081 RegisterAck: keepAliveInterval 0, dateTemplate[6] 4, padding 10,
 *          secondaryKeepAliveInterval 12, maxProtocolVer u8 16
 *   0x009d RegisterReject: text[32]; 0x0027 Unregister: reason (optional)
 *   0x0003 KeypadButton: kpButton 0 (0-9, 0xa-0xd A-D, 0xe '*', 0xf '#',
 *          0x10 '+'), lineInstance 4, callReference 8 (older phones omit both)
 *   0x0004 EnblocCall: calledParty[24 or 25] 0, lineInstance (optional)
 *   0x0006 OffHook, 0x0007 OnHook: lineInstance 0, callReference 4 (optional)
 *   0x0111 CallState: callState 0, lineInstance 4, callReference 8
 *   0x008f CallInfo: callingPartyName[40] 0, callingParty[24] 40,
 *          calledPartyName[40] 64, calledParty[24] 104, lineInstance 128,
 *          callReference 132, callType 136 (1 inbound, 2 outbound, 3 forward)
 *   0x014a CallInfoV2: lineInstance 0, callReference 4, callType 8, five more
 *          u32, then NUL-terminated strings: callingParty,
 *          AlternateCallingParty, calledParty, originalCalledParty,
 *          lastRedirectingParty, four voice mailboxes, callingPartyName,
 *          calledPartyName, ...
 *   0x011d DialedNumber: dialedNumber[24] (v17 and older) or [25], then
 *          lineInstance and callReference; the body length tells which
 *   0x0092 LineStat: lineNumber 0, lineDirNumber[24] 4
 *   0x0147 LineStatV2: lineNumber 0, lineType 4, then NUL-terminated
 *          lineDirNumber, ...
 * Every other message id is only named (EV_SCCP_MESSAGE).
 *
 * Strings are copied up to their field size, stop at NUL, keep printable
 * ASCII (anything else becomes '?') and are always NUL-terminated.
 *
 * Stream handling: a length outside [4, SKINNY_MAX_LEN] is DIS_MALFORMED; the
 * third such frame on a flow gives up (DIS_NOT_MINE). After lost bytes (gap)
 * the parser looks for a plausible header (sane length, known version and
 * message id) within the first SKINNY_RESYNC_WINDOW bytes of the new data,
 * skipping what precedes it; without one the data is dropped and the next
 * data is searched again.
 *
 * Calls: a per-flow table (SKINNY_MAX_CALLS records, keyed by
 * callReference) follows each call of the station. Messages without a
 * callReference (or with 0) go to the most recent open call; a record with
 * reference 0 adopts the first non-zero reference seen. EV_CALL_SETUP is
 * emitted once per call leg, when its called number becomes known
 * (DialedNumber, EnblocCall, CallInfo/CallInfoV2; keypad digits only when the
 * call ends without any of those), EV_CALL_END once when the leg ends:
 * OnHook or CallState OnHook, a CallInfo naming a different called party
 * than an earlier CallInfo did (forward or transfer: a new leg starts), the
 * record being evicted from a full table, or the connection ending (both
 * directions ended). Keypad digits after the called number is known or the
 * call was answered are DTMF and change nothing.
 */
#include "skinny.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <ndpi_protocol_ids.h>

/* Largest length field accepted (Wireshark's limit is of the same order). */
#define SKINNY_MAX_LEN         4096
#define SKINNY_HDR_LEN         12 /* length, header version, message id */
#define SKINNY_MAX_MALFORMED   3  /* malformed frames before giving up */
#define SKINNY_RESYNC_WINDOW   64 /* bytes searched for a header after a gap */
#define SKINNY_MAX_CALLS       16
#define SKINNY_MAX_LINES       8
#define SKINNY_RECENT_REFS     16 /* ended call references remembered */
#define SKINNY_TCP             6
#define SKINNY_PORT            2000
#define SKINNY_NDPI_PROTO      NDPI_PROTOCOL_SKINNY
#define SKINNY_MAX_PROTO_MSGID 0x1000

enum skinny_msg_id {
    SK_KEEPALIVE = 0x0000,
    SK_REGISTER = 0x0001,
    SK_KEYPAD_BUTTON = 0x0003,
    SK_ENBLOC_CALL = 0x0004,
    SK_OFF_HOOK = 0x0006,
    SK_ON_HOOK = 0x0007,
    SK_UNREGISTER = 0x0027,
    SK_REGISTER_ACK = 0x0081,
    SK_CALL_INFO = 0x008f,
    SK_LINE_STAT = 0x0092,
    SK_REGISTER_REJECT = 0x009d,
    SK_CALL_STATE = 0x0111,
    SK_DIALED_NUMBER = 0x011d,
    SK_LINE_STAT_V2 = 0x0147,
    SK_CALL_INFO_V2 = 0x014a,
};

enum skinny_call_state {
    SK_STATE_OFF_HOOK = 1,
    SK_STATE_ON_HOOK = 2,
    SK_STATE_RING_OUT = 3,
    SK_STATE_RING_IN = 4,
    SK_STATE_CONNECTED = 5,
    SK_STATE_PROCEED = 12,
};

#define SK_CALL_TYPE_INBOUND  1
#define SK_CALL_TYPE_OUTBOUND 2

struct skinny_msg_name {
    uint32_t id;
    const char *name;
};

/* Wireshark's message names (packet-skinny.c message_id) plus "Message"; sorted by id. */
static const struct skinny_msg_name skinny_names[] = {
    {0x0000, "KeepAliveMessage"},
    {0x0001, "RegisterMessage"},
    {0x0002, "IpPortMessage"},
    {0x0003, "KeypadButtonMessage"},
    {0x0004, "EnblocCallMessage"},
    {0x0005, "StimulusMessage"},
    {0x0006, "OffHookMessage"},
    {0x0007, "OnHookMessage"},
    {0x0008, "HookFlashMessage"},
    {0x0009, "ForwardStatReqMessage"},
    {0x000a, "SpeedDialStatReqMessage"},
    {0x000b, "LineStatReqMessage"},
    {0x000c, "ConfigStatReqMessage"},
    {0x000d, "TimeDateReqMessage"},
    {0x000e, "ButtonTemplateReqMessage"},
    {0x000f, "VersionReqMessage"},
    {0x0010, "CapabilitiesResMessage"},
    {0x0012, "ServerReqMessage"},
    {0x0020, "AlarmMessage"},
    {0x0021, "MulticastMediaReceptionAckMessage"},
    {0x0022, "OpenReceiveChannelAckMessage"},
    {0x0023, "ConnectionStatisticsResMessage"},
    {0x0024, "OffHookWithCgpnMessage"},
    {0x0025, "SoftKeySetReqMessage"},
    {0x0026, "SoftKeyEventMessage"},
    {0x0027, "UnregisterMessage"},
    {0x0028, "SoftKeyTemplateReqMessage"},
    {0x0029, "RegisterTokenReqMessage"},
    {0x002a, "MediaTransmissionFailureMessage"},
    {0x002b, "HeadsetStatusMessage"},
    {0x002c, "MediaResourceNotificationMessage"},
    {0x002d, "RegisterAvailableLinesMessage"},
    {0x002e, "DeviceToUserDataMessage"},
    {0x002f, "DeviceToUserDataResponseMessage"},
    {0x0030, "UpdateCapabilitiesMessage"},
    {0x0031, "OpenMultiMediaReceiveChannelAckMessage"},
    {0x0032, "ClearConferenceMessage"},
    {0x0033, "ServiceURLStatReqMessage"},
    {0x0034, "FeatureStatReqMessage"},
    {0x0035, "CreateConferenceResMessage"},
    {0x0036, "DeleteConferenceResMessage"},
    {0x0037, "ModifyConferenceResMessage"},
    {0x0038, "AddParticipantResMessage"},
    {0x0039, "AuditConferenceResMessage"},
    {0x0040, "AuditParticipantResMessage"},
    {0x0041, "DeviceToUserDataVersion1Message"},
    {0x0042, "DeviceToUserDataResponseVersion1Message"},
    {0x0043, "UpdateCapabilitiesV2Message"},
    {0x0044, "UpdateCapabilitiesV3Message"},
    {0x0045, "PortResMessage"},
    {0x0046, "QoSResvNotifyMessage"},
    {0x0047, "QoSErrorNotifyMessage"},
    {0x0048, "SubscriptionStatReqMessage"},
    {0x0049, "MediaPathEventMessage"},
    {0x004a, "MediaPathCapabilityMessage"},
    {0x004c, "MwiNotificationMessage"},
    {0x0081, "RegisterAckMessage"},
    {0x0082, "StartToneMessage"},
    {0x0083, "StopToneMessage"},
    {0x0085, "SetRingerMessage"},
    {0x0086, "SetLampMessage"},
    {0x0088, "SetSpeakerModeMessage"},
    {0x0089, "SetMicroModeMessage"},
    {0x008a, "StartMediaTransmissionMessage"},
    {0x008b, "StopMediaTransmissionMessage"},
    {0x008f, "CallInfoMessage"},
    {0x0090, "ForwardStatMessage"},
    {0x0091, "SpeedDialStatMessage"},
    {0x0092, "LineStatMessage"},
    {0x0093, "ConfigStatMessage"},
    {0x0094, "DefineTimeDateMessage"},
    {0x0095, "StartSessionTransmissionMessage"},
    {0x0096, "StopSessionTransmissionMessage"},
    {0x0097, "ButtonTemplateMessage"},
    {0x0098, "VersionMessage"},
    {0x0099, "DisplayTextMessage"},
    {0x009a, "ClearDisplayMessage"},
    {0x009b, "CapabilitiesReqMessage"},
    {0x009d, "RegisterRejectMessage"},
    {0x009e, "ServerResMessage"},
    {0x009f, "ResetMessage"},
    {0x0100, "KeepAliveAckMessage"},
    {0x0101, "StartMulticastMediaReceptionMessage"},
    {0x0102, "StartMulticastMediaTransmissionMessage"},
    {0x0103, "StopMulticastMediaReceptionMessage"},
    {0x0104, "StopMulticastMediaTransmissionMessage"},
    {0x0105, "OpenReceiveChannelMessage"},
    {0x0106, "CloseReceiveChannelMessage"},
    {0x0107, "ConnectionStatisticsReqMessage"},
    {0x0108, "SoftKeyTemplateResMessage"},
    {0x0109, "SoftKeySetResMessage"},
    {0x0110, "SelectSoftKeysMessage"},
    {0x0111, "CallStateMessage"},
    {0x0112, "DisplayPromptStatusMessage"},
    {0x0113, "ClearPromptStatusMessage"},
    {0x0114, "DisplayNotifyMessage"},
    {0x0115, "ClearNotifyMessage"},
    {0x0116, "ActivateCallPlaneMessage"},
    {0x0117, "DeactivateCallPlaneMessage"},
    {0x0118, "UnregisterAckMessage"},
    {0x0119, "BackSpaceReqMessage"},
    {0x011a, "RegisterTokenAckMessage"},
    {0x011b, "RegisterTokenRejectMessage"},
    {0x011c, "StartMediaFailureDetectionMessage"},
    {0x011d, "DialedNumberMessage"},
    {0x011e, "UserToDeviceDataMessage"},
    {0x011f, "FeatureStatMessage"},
    {0x0120, "DisplayPriNotifyMessage"},
    {0x0121, "ClearPriNotifyMessage"},
    {0x0122, "StartAnnouncementMessage"},
    {0x0123, "StopAnnouncementMessage"},
    {0x0124, "AnnouncementFinishMessage"},
    {0x0127, "NotifyDtmfToneMessage"},
    {0x0128, "SendDtmfToneMessage"},
    {0x0129, "SubscribeDtmfPayloadReqMessage"},
    {0x012a, "SubscribeDtmfPayloadResMessage"},
    {0x012b, "SubscribeDtmfPayloadErrMessage"},
    {0x012c, "UnSubscribeDtmfPayloadReqMessage"},
    {0x012d, "UnSubscribeDtmfPayloadResMessage"},
    {0x012e, "UnSubscribeDtmfPayloadErrMessage"},
    {0x012f, "ServiceURLStatMessage"},
    {0x0130, "CallSelectStatMessage"},
    {0x0131, "OpenMultiMediaReceiveChannelMessage"},
    {0x0132, "StartMultiMediaTransmissionMessage"},
    {0x0133, "StopMultiMediaTransmissionMessage"},
    {0x0134, "MiscellaneousCommandMessage"},
    {0x0135, "FlowControlCommandMessage"},
    {0x0136, "CloseMultiMediaReceiveChannelMessage"},
    {0x0137, "CreateConferenceReqMessage"},
    {0x0138, "DeleteConferenceReqMessage"},
    {0x0139, "ModifyConferenceReqMessage"},
    {0x013a, "AddParticipantReqMessage"},
    {0x013b, "DropParticipantReqMessage"},
    {0x013c, "AuditConferenceReqMessage"},
    {0x013d, "AuditParticipantReqMessage"},
    {0x013e, "ChangeParticipantReqMessage"},
    {0x013f, "UserToDeviceDataVersion1Message"},
    {0x0140, "VideoDisplayCommandMessage"},
    {0x0141, "FlowControlNotifyMessage"},
    {0x0142, "ConfigStatV2Message"},
    {0x0143, "DisplayNotifyV2Message"},
    {0x0144, "DisplayPriNotifyV2Message"},
    {0x0145, "DisplayPromptStatusV2Message"},
    {0x0146, "FeatureStatV2Message"},
    {0x0147, "LineStatV2Message"},
    {0x0148, "ServiceURLStatV2Message"},
    {0x0149, "SpeedDialStatV2Message"},
    {0x014a, "CallInfoV2Message"},
    {0x014b, "PortReqMessage"},
    {0x014c, "PortCloseMessage"},
    {0x014d, "QoSListenMessage"},
    {0x014e, "QoSPathMessage"},
    {0x014f, "QoSTeardownMessage"},
    {0x0150, "UpdateDSCPMessage"},
    {0x0151, "QoSModifyMessage"},
    {0x0152, "SubscriptionStatMessage"},
    {0x0153, "NotificationMessage"},
    {0x0154, "StartMediaTransmissionAckMessage"},
    {0x0155, "StartMultiMediaTransmissionAckMessage"},
    {0x0156, "CallHistoryInfoMessage"},
    {0x0158, "MwiResponseMessage"},
    {0x015a, "EnhancedAlarmMessage"},
    {0x015e, "CallCountReqMessage"},
    {0x015f, "CallCountRespMessage"},
    {0x0160, "RecordingStatusMessage"},
    {0x8000, "SPCPRegisterTokenReqMessage"},
    {0x8100, "SPCPRegisterTokenAckMessage"},
    {0x8101, "SPCPRegisterTokenRejectMessage"},
};

#define SKINNY_NAME_COUNT (sizeof(skinny_names) / sizeof(skinny_names[0]))

/* One call leg of the station. seq == 0 marks a free slot. */
struct skinny_call {
    uint64_t seq; /* creation order, for eviction and "current call" */
    uint64_t start_us, answer_us;
    uint32_t call_ref; /* 0 = not known yet */
    uint32_t line;
    uint8_t direction;  /* enum call_direction */
    uint8_t called_src; /* CALL_SRC_* of called */
    uint8_t digits_len;
    bool setup_sent;
    char called[CALL_NUMBER_MAX + 1];
    char calling[CALL_NUMBER_MAX + 1];
    char called_name[CALL_NAME_MAX + 1];
    char calling_name[CALL_NAME_MAX + 1];
    char digits[CALL_NUMBER_MAX + 1]; /* KeypadButton digits while dialling */
};

struct skinny_line {
    uint32_t number; /* lineNumber = lineInstance; 0 = free slot */
    char dirnum[CALL_NUMBER_MAX + 1];
};

/* Per-flow state (zeroed by the worker); holds no pointers. */
struct skinny_state {
    uint8_t malformed;
    bool gave_up;
    bool resync;            /* bytes were lost: look for a header */
    uint32_t resync_skip;   /* junk bytes skipped in the current window */
    uint8_t ended_dirs;     /* bit per direction whose end() was called */
    bool reg_ended;         /* the connection end was handled for registration */
    bool registered;        /* Register seen, no Unregister/Reject after it */
    struct ev_sccp_reg reg; /* device name and Register fields of the connection */
    uint64_t call_seq;
    uint32_t calls_evicted;
    struct skinny_call calls[SKINNY_MAX_CALLS];
    uint32_t recent_refs[SKINNY_RECENT_REFS]; /* call references already ended */
    uint8_t recent_next;
    struct skinny_line lines[SKINNY_MAX_LINES];
};

/* ---- small readers ------------------------------------------------------ */

static const char *skinny_msg_name(uint32_t id)
{
    size_t lo = 0, hi = SKINNY_NAME_COUNT;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (skinny_names[mid].id == id)
            return skinny_names[mid].name;
        if (skinny_names[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool skinny_version_ok(uint32_t v)
{
    return v == 0x00 || v == 0x0a || v == 0x0b || (v >= 0x0f && v <= 0x16);
}

/* LE32 at offset at from the read position, without consuming. */
static bool skinny_peek_le32(const struct cursor *c, size_t at, uint32_t *ret)
{
    uint32_t v = 0;
    for (size_t i = 0; i < 4; i++) {
        int b = cur_peek(c, at + i);
        if (b < 0)
            return false;
        v |= (uint32_t)b << (8 * i);
    }
    *ret = v;
    return true;
}

/* Reads a LE32 if four bytes remain; false (nothing consumed) otherwise. */
static bool skinny_u32(struct cursor *b, uint32_t *ret)
{
    if (cur_left(b) < 4)
        return false;
    *ret = cur_le32(b);
    return true;
}

static bool skinny_skip(struct cursor *b, size_t n)
{
    if (cur_left(b) < n)
        return false;
    return cur_skip(b, n);
}

/* Copies n wire bytes into dst (size dstsz): stops at NUL, '?' for non-printables. */
static void skinny_copy_str(char *dst, size_t dstsz, const uint8_t *p, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < dstsz && p[i] != 0; i++)
        dst[o++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
    dst[o] = '\0';
}

/* A fixed-size char[n] field; false (dst untouched) when the body lacks it. */
static bool skinny_fixed_str(struct cursor *b, size_t n, char *dst, size_t dstsz)
{
    if (cur_left(b) < n)
        return false;
    const uint8_t *p = cur_bytes(b, n);
    if (!p)
        return false;
    skinny_copy_str(dst, dstsz, p, n);
    return true;
}

/*
 * A NUL-terminated string of a dynamic message: reads up to and including
 * the NUL (or to the end of the body). False when the body is exhausted.
 */
static bool skinny_dyn_str(struct cursor *b, char *dst, size_t dstsz)
{
    size_t n = cur_left(b), len = 0;
    if (n == 0)
        return false;
    while (len < n && cur_peek(b, len) != 0)
        len++;
    const uint8_t *p = cur_bytes(b, len);
    if (p)
        skinny_copy_str(dst, dstsz, p, len);
    if (len < n)
        cur_skip(b, 1); /* the NUL */
    return true;
}

/* dirnum field size: 25 from protocol v18 on, 24 before; told apart by the body length. */
static size_t skinny_dirnum_size(size_t body, size_t rest) { return body >= 25 + rest ? 25 : 24; }

/* ---- events --------------------------------------------------------------- */

static void skinny_emit_reg(struct dis_ctx *ctx, const struct skinny_state *st, uint8_t action,
                            const char *reject_text, uint32_t keepalive)
{
    struct dis_event ev = {.type = EV_SCCP_REGISTRATION, .actor = EV_ACTOR_CLIENT};
    ev.u.sccp_reg = st->reg;
    ev.u.sccp_reg.action = action;
    if (reject_text) {
        strncpy(ev.u.sccp_reg.reject_text, reject_text, sizeof(ev.u.sccp_reg.reject_text) - 1);
        ev.u.sccp_reg.reject_text[sizeof(ev.u.sccp_reg.reject_text) - 1] = '\0';
    }
    ev.u.sccp_reg.keepalive = keepalive;
    dis_emit(ctx, &ev);
}

/* Directory number of a line: that line's, else the first line known; NULL if none. */
static const char *skinny_line_dirnum(const struct skinny_state *st, uint32_t line)
{
    const struct skinny_line *best = NULL;
    for (size_t i = 0; i < SKINNY_MAX_LINES; i++) {
        const struct skinny_line *l = &st->lines[i];
        if (!l->number || !l->dirnum[0])
            continue;
        if (line && l->number == line)
            return l->dirnum;
        if (!best || l->number < best->number)
            best = l;
    }
    return best ? best->dirnum : NULL;
}

static void skinny_emit_call(struct dis_ctx *ctx, const struct skinny_state *st,
                             const struct skinny_call *call, enum dis_event_type type,
                             uint64_t end_us)
{
    struct dis_event ev = {.type = type, .actor = EV_ACTOR_CLIENT};
    struct ev_call *e = &ev.u.call;
    e->protocol = "sccp";
    memcpy(e->called, call->called, sizeof(e->called));
    memcpy(e->calling, call->calling, sizeof(e->calling));
    memcpy(e->called_name, call->called_name, sizeof(e->called_name));
    memcpy(e->calling_name, call->calling_name, sizeof(e->calling_name));
    memcpy(e->device_name, st->reg.device_name, sizeof(e->device_name));
    if (!e->calling[0] && call->direction != CALL_DIR_INBOUND) {
        /* the station placed the call: its line's number is the calling party */
        const char *dn = skinny_line_dirnum(st, call->line);
        if (dn)
            memcpy(e->calling, dn, sizeof(e->calling));
    }
    e->call_ref = call->call_ref;
    e->direction = call->direction;
    e->number_source = call->called_src;
    e->start_us = call->start_us;
    e->answer_us = call->answer_us;
    e->end_us = end_us;
    dis_emit(ctx, &ev);
}

/* ---- call table -------------------------------------------------------------- */

static bool skinny_recent(const struct skinny_state *st, uint32_t ref)
{
    for (size_t i = 0; i < SKINNY_RECENT_REFS; i++)
        if (ref && st->recent_refs[i] == ref)
            return true;
    return false;
}

/* Emits what the leg still owes: EV_CALL_SETUP from keypad digits, then EV_CALL_END. */
static void skinny_call_close(struct dis_ctx *ctx, struct skinny_state *st,
                              struct skinny_call *call, uint64_t end_us)
{
    if (!call->called[0] && call->digits_len) {
        memcpy(call->called, call->digits, sizeof(call->called));
        call->called_src = CALL_SRC_DIGITS;
        if (call->direction == CALL_DIR_UNKNOWN)
            call->direction = CALL_DIR_OUTBOUND;
    }
    if (call->called[0] && !call->setup_sent) {
        call->setup_sent = true;
        skinny_emit_call(ctx, st, call, EV_CALL_SETUP, 0);
    }
    if (call->called[0] || call->calling[0])
        skinny_emit_call(ctx, st, call, EV_CALL_END, end_us);
}

/* Ends a call: emits its events and frees its slot; its reference is ignored from now on. */
static void skinny_call_finish(struct dis_ctx *ctx, struct skinny_state *st,
                               struct skinny_call *call, uint64_t end_us)
{
    skinny_call_close(ctx, st, call, end_us);
    if (call->call_ref) {
        st->recent_refs[st->recent_next] = call->call_ref;
        st->recent_next = (uint8_t)((st->recent_next + 1) % SKINNY_RECENT_REFS);
    }
    memset(call, 0, sizeof(*call));
}

static struct skinny_call *skinny_call_newest(struct skinny_state *st, bool without_ref)
{
    struct skinny_call *best = NULL;
    for (size_t i = 0; i < SKINNY_MAX_CALLS; i++) {
        struct skinny_call *c = &st->calls[i];
        if (!c->seq || (without_ref && c->call_ref))
            continue;
        if (!best || c->seq > best->seq)
            best = c;
    }
    return best;
}

static struct skinny_call *skinny_call_new(struct dis_ctx *ctx, struct skinny_state *st,
                                           uint32_t ref, uint32_t line)
{
    struct skinny_call *slot = NULL, *oldest = NULL;
    for (size_t i = 0; i < SKINNY_MAX_CALLS && !slot; i++) {
        struct skinny_call *c = &st->calls[i];
        if (!c->seq)
            slot = c;
        else if (!oldest || c->seq < oldest->seq)
            oldest = c;
    }
    if (!slot) {
        /* table full: the oldest call is closed as it stands */
        st->calls_evicted++;
        skinny_call_finish(ctx, st, oldest, 0);
        slot = oldest;
    }
    slot->seq = ++st->call_seq;
    slot->call_ref = ref;
    slot->line = line;
    slot->start_us = ctx->ts_us;
    return slot;
}

/*
 * The call a message refers to: by callReference; a reference not seen
 * before is adopted by the newest call that has none yet; without a
 * reference, the newest open call. Creates one when create is set; NULL
 * otherwise, and always for references of calls already ended.
 */
static struct skinny_call *skinny_call_get(struct dis_ctx *ctx, struct skinny_state *st,
                                           uint32_t ref, uint32_t line, bool create)
{
    struct skinny_call *c = NULL;
    if (ref) {
        for (size_t i = 0; i < SKINNY_MAX_CALLS && !c; i++)
            if (st->calls[i].seq && st->calls[i].call_ref == ref)
                c = &st->calls[i];
        if (!c && skinny_recent(st, ref))
            return NULL;
        if (!c && (c = skinny_call_newest(st, true)) != NULL)
            c->call_ref = ref;
    } else {
        c = skinny_call_newest(st, false);
    }
    if (c) {
        if (!c->line)
            c->line = line;
        return c;
    }
    return create ? skinny_call_new(ctx, st, ref, line) : NULL;
}

static void skinny_call_setup(struct dis_ctx *ctx, struct skinny_state *st,
                              struct skinny_call *call)
{
    if (call->called[0] && !call->setup_sent) {
        call->setup_sent = true;
        skinny_emit_call(ctx, st, call, EV_CALL_SETUP, 0);
    }
}

/* A number the station dialled (EnblocCall, DialedNumber); CallInfo's number wins. */
static void skinny_call_dialled(struct dis_ctx *ctx, struct skinny_state *st,
                                struct skinny_call *call, const char *number, uint8_t src)
{
    if (!number[0] || call->called_src >= CALL_SRC_CALLINFO)
        return;
    memcpy(call->called, number, sizeof(call->called));
    call->called[sizeof(call->called) - 1] = '\0';
    call->called_src = src;
    if (call->direction == CALL_DIR_UNKNOWN)
        call->direction = CALL_DIR_OUTBOUND;
    skinny_call_setup(ctx, st, call);
}

/* Party information from CallInfo / CallInfoV2. */
struct skinny_parties {
    uint32_t line, ref, call_type;
    char calling[CALL_NUMBER_MAX + 1];
    char called[CALL_NUMBER_MAX + 1];
    char calling_name[CALL_NAME_MAX + 1];
    char called_name[CALL_NAME_MAX + 1];
};

static void skinny_call_info(struct dis_ctx *ctx, struct skinny_state *st,
                             const struct skinny_parties *p)
{
    struct skinny_call *call = skinny_call_get(ctx, st, p->ref, p->line, true);
    if (!call)
        return;
    if (p->called[0] && call->called_src == CALL_SRC_CALLINFO && call->setup_sent &&
        strcmp(call->called, p->called) != 0) {
        /* forwarded or transferred elsewhere: that leg ends, a new one starts */
        skinny_call_close(ctx, st, call, ctx->ts_us);
        call->start_us = ctx->ts_us;
        call->answer_us = 0;
        call->setup_sent = false;
        call->called_name[0] = '\0';
        call->digits_len = 0;
        call->digits[0] = '\0';
    }
    if (p->call_type == SK_CALL_TYPE_INBOUND)
        call->direction = CALL_DIR_INBOUND;
    else if (p->call_type == SK_CALL_TYPE_OUTBOUND)
        call->direction = CALL_DIR_OUTBOUND;
    if (p->calling[0])
        memcpy(call->calling, p->calling, sizeof(call->calling));
    if (p->calling_name[0])
        memcpy(call->calling_name, p->calling_name, sizeof(call->calling_name));
    if (p->called_name[0])
        memcpy(call->called_name, p->called_name, sizeof(call->called_name));
    if (p->called[0]) {
        memcpy(call->called, p->called, sizeof(call->called));
        call->called_src = CALL_SRC_CALLINFO;
    }
    skinny_call_setup(ctx, st, call);
}

/* Closes every open call (connection end, giving up). */
static void skinny_calls_flush(struct dis_ctx *ctx, struct skinny_state *st)
{
    for (;;) {
        struct skinny_call *oldest = NULL;
        for (size_t i = 0; i < SKINNY_MAX_CALLS; i++)
            if (st->calls[i].seq && (!oldest || st->calls[i].seq < oldest->seq))
                oldest = &st->calls[i];
        if (!oldest)
            return;
        skinny_call_finish(ctx, st, oldest, 0);
    }
}

/* ---- messages ------------------------------------------------------------- */

static void skinny_register(struct dis_ctx *ctx, struct skinny_state *st, struct cursor *b)
{
    struct ev_sccp_reg *r = &st->reg;
    uint32_t v;

    memset(r, 0, sizeof(*r));
    r->has_register = true;
    if (!skinny_fixed_str(b, SCCP_DEVICE_NAME_MAX, r->device_name, sizeof(r->device_name)) ||
        !skinny_u32(b, &r->user_id) || !skinny_u32(b, &r->instance))
        goto done;
    if (cur_left(b) < 4)
        goto done;
    r->station_ip.family = 4;
    cur_copy(b, r->station_ip.a, 4);
    if (!skinny_u32(b, &r->device_type) || !skinny_u32(b, &r->max_streams) ||
        !skinny_u32(b, &v) /* activeStreams */ || cur_left(b) < 1)
        goto done;
    r->has_protocol_version = true;
    r->protocol_version = cur_u8(b);
    /* (u8, u16 phone features), maxConferences, activeConferences */
    if (!skinny_skip(b, 3 + 4 + 4) || cur_left(b) < 12)
        goto done;
    const uint8_t *mac = cur_bytes(b, 12);
    if (mac && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
        static const char hex[] = "0123456789ABCDEF";
        for (size_t i = 0; i < 6; i++) {
            r->mac[2 * i] = hex[mac[i] >> 4];
            r->mac[2 * i + 1] = hex[mac[i] & 0x0f];
        }
        r->mac[12] = '\0';
    }
    /* ipV4AddressScope, maxNumberOfLines, stationIpV6Addr, ipV6AddressScope */
    if (!skinny_skip(b, 4 + 4 + 16 + 4))
        goto done;
    skinny_fixed_str(b, 32, r->firmware, sizeof(r->firmware));
done:
    st->registered = true;
    skinny_emit_reg(ctx, st, SCCP_REG_REGISTER, NULL, 0);
}

static void skinny_register_ack(struct dis_ctx *ctx, struct skinny_state *st, struct cursor *b)
{
    uint32_t keepalive = 0;
    skinny_u32(b, &keepalive);
    skinny_emit_reg(ctx, st, SCCP_REG_ACK, NULL, keepalive);
}

static void skinny_register_reject(struct dis_ctx *ctx, struct skinny_state *st, struct cursor *b)
{
    char text[sizeof(st->reg.reject_text)] = "";
    size_t n = cur_left(b) < 32 ? cur_left(b) : 32;
    skinny_fixed_str(b, n, text, sizeof(text));
    st->registered = false;
    skinny_emit_reg(ctx, st, SCCP_REG_REJECT, text, 0);
}

static void skinny_keypad(struct dis_ctx *ctx, struct skinny_state *st, struct cursor *b)
{
    uint32_t key, line = 0, ref = 0;
    if (!skinny_u32(b, &key))
        return;
    skinny_u32(b, &line);
    skinny_u32(b, &ref);
    char ch = 0;
    if (key <= 9)
        ch = (char)('0' + key);
    else if (key <= 0xd)
        ch = (char)('A' + (key - 0xa));
    else if (key == 0xe)
        ch = '*';
    else if (key == 0xf)
        ch = '#';
    else if (key == 0x10)
        ch = '+';
    if (!ch)
        return;
    struct skinny_call *call = skinny_call_get(ctx, st, ref, line, true);
    if (!call)
        return;
    /* once the number is known or the call is answered, keys are DTMF */
    if (call->called[0] || call->answer_us || call->digits_len >= CALL_NUMBER_MAX)
        return;
    call->digits[call->digits_len++] = ch;
    call->digits[call->digits_len] = '\0';
}

static void skinny_enbloc(struct dis_ctx *ctx, struct skinny_state *st, struct cursor *b)
{
    char number[CALL_NUMBER_MAX + 1] = "";
    uint32_t line = 0;
    size_t body = cur_left(b);
    size_t n = skinny_dirnum_size(body, 4);
    if (body < n)
        n = body; /* a short field: take what is there */
    skinny_fixed_str(b, n, number, sizeof(number));
    skinny_u32(b, &line);
    if (!number[0])
        return;
    struct skinny_call *call = skinny_call_get(ctx, st, 0, line, true);
    if (call)
        skinny_call_dialled(ctx, st, call, number, CALL_SRC_ENBLOC);
}

static void skinny_dialed(struct dis_ctx *ctx, struct skinny_state *st, struct cursor *b)
{
    char number[CALL_NUMBER_MAX + 1] = "";
    uint32_t line = 0, ref = 0;
    size_t n = skinny_dirnum_size(cur_left(b), 8);
    if (!skinny_fixed_str(b, n, number, sizeof(number)))
        return;
    skinny_u32(b, &line);
    skinny_u32(b, &ref);
    if (!number[0])
        return;
    struct skinny_call *call = skinny_call_get(ctx, st, ref, line, true);
    if (call)
        skinny_call_dialled(ctx, st, call, number, CALL_SRC_DIALED);
}

static void skinny_hook(struct dis_ctx *ctx, struct skinny_state *st, struct cursor *b, bool off)
{
    uint32_t line = 0, ref = 0;
    skinny_u32(b, &line);
    skinny_u32(b, &ref);
    struct skinny_call *call = skinny_call_get(ctx, st, ref, line, off);
    if (call && !off)
        skinny_call_finish(ctx, st, call, ctx->ts_us);
}

static void skinny_call_state(struct dis_ctx *ctx, struct skinny_state *st, struct cursor *b)
{
    uint32_t state, line = 0, ref = 0;
    if (!skinny_u32(b, &state))
        return;
    skinny_u32(b, &line);
    skinny_u32(b, &ref);
    bool create = state == SK_STATE_OFF_HOOK || state == SK_STATE_RING_OUT ||
                  state == SK_STATE_RING_IN || state == SK_STATE_CONNECTED ||
                  state == SK_STATE_PROCEED;
    struct skinny_call *call = skinny_call_get(ctx, st, ref, line, create);
    if (!call)
        return;
    switch (state) {
        case SK_STATE_ON_HOOK:
            skinny_call_finish(ctx, st, call, ctx->ts_us);
            break;
        case SK_STATE_CONNECTED:
            if (!call->answer_us)
                call->answer_us = ctx->ts_us;
            break;
        case SK_STATE_RING_IN:
            if (call->direction == CALL_DIR_UNKNOWN)
                call->direction = CALL_DIR_INBOUND;
            break;
        case SK_STATE_RING_OUT:
            if (call->direction == CALL_DIR_UNKNOWN)
                call->direction = CALL_DIR_OUTBOUND;
            break;
        default:
            break;
    }
}

static void skinny_call_info_v1(struct dis_ctx *ctx, struct skinny_state *st, struct cursor *b)
{
    struct skinny_parties p = {0};
    if (!skinny_fixed_str(b, 40, p.calling_name, sizeof(p.calling_name)) ||
        !skinny_fixed_str(b, 24, p.calling, sizeof(p.calling)) ||
        !skinny_fixed_str(b, 40, p.called_name, sizeof(p.called_name)) ||
        !skinny_fixed_str(b, 24, p.called, sizeof(p.called)))
        return;
    skinny_u32(b, &p.line);
    skinny_u32(b, &p.ref);
    skinny_u32(b, &p.call_type);
    skinny_call_info(ctx, st, &p);
}

static void skinny_call_info_v2(struct dis_ctx *ctx, struct skinny_state *st, struct cursor *b)
{
    struct skinny_parties p = {0};
    char skip[CALL_NAME_MAX + 1];
    if (!skinny_u32(b, &p.line) || !skinny_u32(b, &p.ref) || !skinny_u32(b, &p.call_type) ||
        !skinny_skip(b, 5 * 4))
        return;
    /* callingParty, AlternateCallingParty, calledParty, originalCalledParty,
     * lastRedirectingParty, 4 voice mailboxes, callingPartyName, calledPartyName */
    if (skinny_dyn_str(b, p.calling, sizeof(p.calling)) && skinny_dyn_str(b, skip, sizeof(skip)) &&
        skinny_dyn_str(b, p.called, sizeof(p.called))) {
        bool more = true;
        for (int i = 0; i < 6 && more; i++)
            more = skinny_dyn_str(b, skip, sizeof(skip));
        if (more && skinny_dyn_str(b, p.calling_name, sizeof(p.calling_name)))
            skinny_dyn_str(b, p.called_name, sizeof(p.called_name));
    }
    skinny_call_info(ctx, st, &p);
}

static void skinny_line_set(struct skinny_state *st, uint32_t number, const char *dirnum)
{
    struct skinny_line *slot = NULL;
    if (!number || !dirnum[0])
        return;
    for (size_t i = 0; i < SKINNY_MAX_LINES; i++) {
        struct skinny_line *l = &st->lines[i];
        if (l->number == number) {
            slot = l;
            break;
        }
        if (!l->number && !slot)
            slot = l;
    }
    if (!slot)
        return; /* more lines than remembered: the first ones serve as fallback */
    slot->number = number;
    memcpy(slot->dirnum, dirnum, sizeof(slot->dirnum));
}

static void skinny_line_stat(struct skinny_state *st, struct cursor *b, bool v2)
{
    uint32_t number, type;
    char dirnum[CALL_NUMBER_MAX + 1] = "";
    if (!skinny_u32(b, &number))
        return;
    if (v2) {
        if (!skinny_u32(b, &type))
            return;
        skinny_dyn_str(b, dirnum, sizeof(dirnum));
    } else {
        skinny_fixed_str(b, 24, dirnum, sizeof(dirnum));
    }
    skinny_line_set(st, number, dirnum);
}

static void skinny_message(struct dis_ctx *ctx, struct skinny_state *st, uint32_t version,
                           uint32_t id, struct cursor *b)
{
    const char *name = skinny_msg_name(id);
    struct dis_event ev = {.type = EV_SCCP_MESSAGE, .actor = EV_ACTOR_SENDER};
    ev.u.sccp_msg.msg_id = id;
    ev.u.sccp_msg.header_version = version;
    ev.u.sccp_msg.name = name ? name : "Unknown";
    dis_emit(ctx, &ev);

    switch (id) {
        case SK_REGISTER:
            skinny_register(ctx, st, b);
            break;
        case SK_REGISTER_ACK:
            skinny_register_ack(ctx, st, b);
            break;
        case SK_REGISTER_REJECT:
            skinny_register_reject(ctx, st, b);
            break;
        case SK_UNREGISTER:
            st->registered = false;
            skinny_emit_reg(ctx, st, SCCP_REG_UNREGISTER, NULL, 0);
            break;
        case SK_KEYPAD_BUTTON:
            skinny_keypad(ctx, st, b);
            break;
        case SK_ENBLOC_CALL:
            skinny_enbloc(ctx, st, b);
            break;
        case SK_OFF_HOOK:
            skinny_hook(ctx, st, b, true);
            break;
        case SK_ON_HOOK:
            skinny_hook(ctx, st, b, false);
            break;
        case SK_CALL_STATE:
            skinny_call_state(ctx, st, b);
            break;
        case SK_CALL_INFO:
            skinny_call_info_v1(ctx, st, b);
            break;
        case SK_CALL_INFO_V2:
            skinny_call_info_v2(ctx, st, b);
            break;
        case SK_DIALED_NUMBER:
            skinny_dialed(ctx, st, b);
            break;
        case SK_LINE_STAT:
            skinny_line_stat(st, b, false);
            break;
        case SK_LINE_STAT_V2:
            skinny_line_stat(st, b, true);
            break;
        default:
            break;
    }
}

/* ---- framing ------------------------------------------------------------ */

/*
 * Whether the bytes at c's position start a plausible message: 1 yes, 0 no,
 * -1 the bytes present fit but are too few to tell.
 */
static int skinny_plausible(const struct cursor *c)
{
    uint32_t len, version, id;
    if (!skinny_peek_le32(c, 0, &len))
        return -1;
    if (len < 4 || len > SKINNY_MAX_LEN)
        return 0;
    if (!skinny_peek_le32(c, 4, &version))
        return -1;
    if (!skinny_version_ok(version))
        return 0;
    if (!skinny_peek_le32(c, 8, &id))
        return -1;
    return skinny_msg_name(id) ? 1 : 0;
}

static bool skinny_probe(const struct cursor *c, int dir)
{
    uint32_t len, version, id;
    (void)dir;
    /* fewer than 4 bytes cannot be judged; the port matched */
    if (!skinny_peek_le32(c, 0, &len))
        return true;
    if (len < 4 || len > SKINNY_MAX_LEN)
        return false;
    if (!skinny_peek_le32(c, 4, &version))
        return true;
    if (!skinny_version_ok(version))
        return false;
    if (!skinny_peek_le32(c, 8, &id))
        return true;
    return id < SKINNY_MAX_PROTO_MSGID || skinny_msg_name(id) != NULL;
}

static enum dis_result skinny_parse(struct dis_ctx *ctx, void *state, struct cursor *c)
{
    struct skinny_state *st = state;
    size_t used = 0;

    ctx->consumed = 0;
    ctx->needed = 0;
    if (!st || st->gave_up)
        return DIS_NOT_MINE;
    if (ctx->gap) {
        st->resync = true;
        st->resync_skip = 0;
    }
    for (;;) {
        size_t left = cur_left(c);
        if (left == 0)
            break;
        if (st->resync) {
            if (st->resync_skip >= SKINNY_RESYNC_WINDOW) {
                /* no header near the gap: drop this data, search the next */
                cur_skip(c, left);
                used += left;
                st->resync_skip = 0;
                break;
            }
            int p = skinny_plausible(c);
            if (p > 0) {
                st->resync = false;
                continue;
            }
            if (p < 0) {
                ctx->consumed = used;
                ctx->needed = SKINNY_HDR_LEN;
                return DIS_NEED_MORE;
            }
            cur_skip(c, 1);
            used++;
            st->resync_skip++;
            continue;
        }
        uint32_t len;
        if (!skinny_peek_le32(c, 0, &len)) {
            ctx->consumed = used;
            ctx->needed = SKINNY_HDR_LEN;
            return DIS_NEED_MORE;
        }
        if (len < 4 || len > SKINNY_MAX_LEN) {
            ctx->consumed = used;
            ctx->error = "bad sccp length";
            if (++st->malformed >= SKINNY_MAX_MALFORMED) {
                st->gave_up = true;
                skinny_calls_flush(ctx, st);
                return DIS_NOT_MINE;
            }
            return DIS_MALFORMED;
        }
        size_t total = 8 + (size_t)len;
        if (left < total) {
            ctx->consumed = used;
            ctx->needed = total;
            return DIS_NEED_MORE;
        }
        struct cursor m = cur_sub(c, total);
        cur_skip(&m, 4);
        uint32_t version = cur_le32(&m);
        uint32_t id = cur_le32(&m);
        skinny_message(ctx, st, version, id, &m);
        used += total;
    }
    ctx->consumed = used;
    return DIS_OK;
}

static void skinny_end(struct dis_ctx *ctx, void *state, bool reset)
{
    struct skinny_state *st = state;
    (void)reset; /* RST, FIN and timeout alike end the connection */
    if (!st || st->gave_up)
        return;
    if (!st->reg_ended) {
        st->reg_ended = true;
        /* at the end of the input the phone may well still be registered */
        if (st->registered && ctx->end_reason != DIS_END_SHUTDOWN) {
            st->registered = false;
            skinny_emit_reg(ctx, st, SCCP_REG_ABNORMAL, NULL, 0);
        }
    }
    st->ended_dirs |= (uint8_t)(1u << (ctx->dir & 1));
    /* calls close once both directions ended: the other may still carry their end */
    if (st->ended_dirs == 3)
        skinny_calls_flush(ctx, st);
}

const struct dissector skinny_dissector = {
    .name = "sccp",
    .l4 = SKINNY_TCP,
    .ports = {SKINNY_PORT},
    .ndpi_ids = {SKINNY_NDPI_PROTO},
    .state_size = sizeof(struct skinny_state),
    .probe = skinny_probe,
    .parse = skinny_parse,
    .end = skinny_end,
    .state_free = NULL,
};
