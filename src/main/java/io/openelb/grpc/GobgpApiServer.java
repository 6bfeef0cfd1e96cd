package io.openelb.grpc;

import io.openelb.grpc.apipb.Destination;
import io.openelb.grpc.apipb.GetBgpRequest;
import io.openelb.grpc.apipb.GetBgpResponse;
import io.openelb.grpc.apipb.GobgpApiService;
import io.openelb.grpc.apipb.ListPathRequest;
import io.openelb.grpc.apipb.ListPathResponse;
import io.openelb.grpc.apipb.ListPeerRequest;
import io.openelb.grpc.apipb.ListPeerResponse;
import io.openelb.grpc.apipb.Peer;
import io.openelb.status.StatusBoard;
import io.vertx.core.Future;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.List;

/**
 * The three read-only calls of gobgp's API that the CLI's {@code global}, {@code neighbor} and {@code rib}
 * commands make, answered from the {@link StatusBoard} through {@link GobgpMessages}. Every other method
 * (AddPeer, AddPath, StartBgp, ...) is not bound, so the server answers it UNIMPLEMENTED and changes
 * nothing. Runs on the event loop of the gRPC server's verticle; reading the board never blocks.
 */
final class GobgpApiServer extends GobgpApiService {
    private final StatusBoard board;

    GobgpApiServer(StatusBoard board) {
        this.board = board;
    }

    @Override
    public Future<GetBgpResponse> getBgp(GetBgpRequest request) {
        return Future.succeededFuture(GetBgpResponse.newBuilder().setGlobal(GobgpMessages.global(board.speaker()))
                .build());
    }

    @Override
    protected void listPeer(ListPeerRequest request, WriteStream<ListPeerResponse> response) {
        for (Peer peer : GobgpMessages.peers(board.neighbors(), request.getAddress())) {
            response.write(ListPeerResponse.newBuilder().setPeer(peer).build());
        }
        response.end();
    }

    @Override
    protected void listPath(ListPathRequest request, WriteStream<ListPathResponse> response) {
        List<Destination> table;
        try {
            table = GobgpMessages.table(request.getTableType(), request.getName(), request.getFamily(),
                    request.getPrefixesList(), board.neighbors(), board.speaker());
        } catch (IllegalArgumentException e) {
            // the stream the generated stub hands in
            ((GrpcServerResponse<?, ?>) response).status(GrpcStatus.NOT_FOUND).statusMessage(e.getMessage()).end();
            return;
        }
        for (Destination destination : table) {
            response.write(ListPathResponse.newBuilder().setDestination(destination).build());
        }
        response.end();
    }
}
