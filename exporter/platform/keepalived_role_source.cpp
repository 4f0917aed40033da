#include "exporter/platform/keepalived_role_source.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "exporter/platform/atomic_file.h"
#include "exporter/platform/bounded_file.h"
#include "exporter/platform/process_table.h"

namespace ipv6ha {
namespace {

constexpr std::size_t kMaxRecordBytes = 64 * 1024;

Expected<VrrpRecord> LoadRecord(const std::string& path) {
  auto file = ReadBoundedFile(path, kMaxRecordBytes);
  if (!file) return file.error();
  auto record = ParseVrrpRecord(file->content);
  if (!record) return Error{path + ": " + record.error().message};
  return record;
}

}  // namespace

class KeepalivedRoleSource::Following : public RoleFollow {
 public:
  explicit Following(KeepalivedRoleSource* source) : source_(source) {}
  ~Following() override {
    reader_.reset();  // joins: no callback after this
    std::lock_guard lock(source_->mutex_);
    source_->following_ = false;
    source_->changed_ = nullptr;
  }
  void Start() {
    reader_ = std::make_unique<NotifyFifoReader>(
        source_->config_.fifo,
        NotifyFifoReader::Callbacks{
            [s = source_](std::string_view line) { s->OnLine(line); },
            [s = source_](const NotifyFifoReader::Feed& f) { s->OnFeed(f); }});
    reader_->Start();
  }

 private:
  KeepalivedRoleSource* source_;
  std::unique_ptr<NotifyFifoReader> reader_;
};

KeepalivedRoleSource::KeepalivedRoleSource(KeepalivedRoleConfig config)
    : config_(std::move(config)), table_(config_.instances) {
  feed_.problem =
      "not reading keepalived's notify FIFO " + config_.fifo + " yet";
}

KeepalivedRoleSource::~KeepalivedRoleSource() = default;

std::unique_ptr<RoleFollow> KeepalivedRoleSource::Follow(Changed changed) {
  {
    std::lock_guard lock(mutex_);
    if (following_) return nullptr;  // one reader of the FIFO at a time
    following_ = true;
  }
  auto follow = std::make_unique<Following>(this);
  // What keepalived buffered is read before `changed` is set: the caller
  // reads the outcome once, instead of replaying old transitions.
  follow->Start();
  std::lock_guard lock(mutex_);
  changed_ = std::move(changed);
  return follow;
}

std::int64_t KeepalivedRoleSource::VrrpPid() const {
  if (config_.vrrp_pid_file.empty()) return 0;
  const pid_t pid = ProcessTable::ReadPidfile(config_.vrrp_pid_file);
  if (pid <= 0 || !ProcessTable::Alive(pid)) return 0;
  const auto name = ProcessTable().NameOf(pid);
  if (!name || !ProcessTable::NameMatches(*name, "keepalived")) return 0;
  return pid;
}

bool KeepalivedRoleSource::RecordHolds(const VrrpRecord& record,
                                       const FifoIdentity& identity,
                                       std::int64_t pid_now) const {
  if (!(record.fifo == identity)) return false;
  // Recorded with a pid: that very process must still run. Without one the
  // pid file never worked here, and the FIFO's identity is all we have.
  return record.vrrp_pid == 0 || record.vrrp_pid == pid_now;
}

void KeepalivedRoleSource::OnFeed(const NotifyFifoReader::Feed& feed) {
  Changed changed;
  {
    std::lock_guard lock(mutex_);
    if (feed.open) {
      const std::int64_t pid = VrrpPid();
      if (!ever_open_) {
        auto record = LoadRecord(config_.record_file);
        if (record && RecordHolds(*record, feed.identity, pid)) {
          table_.Restore(record->instances);
        }
      } else if (writer_pid_ != 0 && pid == writer_pid_) {
        table_.Restore(table_.Reported());  // a reload: see the header
      } else {
        table_.Forget();
      }
      ever_open_ = true;
      writer_pid_ = pid;
    }
    // Closed or missing: the states stay until the FIFO is back (above).
    feed_ = feed;
    WriteRecordLocked();
    changed = changed_;
  }
  if (changed) changed(true);
}

void KeepalivedRoleSource::OnLine(std::string_view line) {
  auto parsed = ParseNotifyLine(line);
  Changed changed;
  bool transition = false;
  {
    std::lock_guard lock(mutex_);
    if (!parsed) {
      line_problem_ = parsed.error().message;
      return;
    }
    transition = table_.Apply(*parsed);
    WriteRecordLocked();
    changed = changed_;
  }
  if (changed) changed(transition);
}

void KeepalivedRoleSource::WriteRecordLocked() {
  if (config_.record_file.empty()) return;
  VrrpRecord record;
  if (feed_.open) {
    record.fifo = feed_.identity;
    record.vrrp_pid = writer_pid_;
    record.instances = table_.Reported();
  }
  // Closed: an empty record, so that nothing stale is restored later.
  auto st = WriteFileAtomically(config_.record_file, FormatVrrpRecord(record),
                                0644, Durability::kVolatile);
  record_problem_ = st ? "" : st.error().message;
}

RoleReading KeepalivedRoleSource::Read() {
  std::unique_lock lock(mutex_);
  if (!following_) {
    lock.unlock();
    return ReadRecordOnly();
  }
  RoleReading r = table_.Derive(feed_.open ? "" : feed_.problem);
  if (!line_problem_.empty()) r.detail += "; ignored: " + line_problem_;
  if (!record_problem_.empty()) {
    r.detail += "; cannot keep the states for a restart: " + record_problem_;
  }
  return r;
}

RoleReading KeepalivedRoleSource::ReadRecordOnly() const {
  VrrpInstanceTable table(config_.instances);
  struct stat st {};
  if (::stat(config_.fifo.c_str(), &st) != 0) {
    return table.Derive("keepalived's notify FIFO " + config_.fifo + ": " +
                        std::strerror(errno));
  }
  auto record = LoadRecord(config_.record_file);
  if (!record) {
    return table.Derive(
        "no record of keepalived's states (the daemon keeps it while it "
        "reads the notify FIFO): " +
        record.error().message);
  }
  const FifoIdentity now{static_cast<std::uint64_t>(st.st_dev),
                         static_cast<std::uint64_t>(st.st_ino)};
  if (!RecordHolds(*record, now, VrrpPid())) {
    return table.Derive("the record " + config_.record_file +
                        " is of another notify FIFO than " + config_.fifo +
                        " or another keepalived process (keepalived "
                        "restarted or reloaded since)");
  }
  table.Restore(record->instances);
  RoleReading r = table.Derive("");
  r.detail += " (as the daemon last recorded them)";
  return r;
}

}  // namespace ipv6ha
